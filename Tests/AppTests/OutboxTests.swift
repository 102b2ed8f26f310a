import NIOCore
import Testing

@testable import App

/// A socket's outbox: the hub never waits on a socket; a socket too far behind is closed, never left
/// with a silent gap in its events.
@Suite("A socket's outbox")
struct OutboxTests {
    func event(_ seq: Int64) -> Outbound { .event(spaceId: "s", seq: seq, frame: ByteBuffer(string: "\(seq)")) }

    func seqs(_ items: [Outbound]) -> [Int64] {
        items.compactMap { if case .event(_, let seq, _) = $0 { seq } else { nil } }
    }

    @Test func aReaderTooFarBehindGetsWhatFittedThenCloseAndNothingAfter() async {
        let outbox = Outbox(limit: 4)
        #expect((1...4).map { outbox.push(event($0)) } == [true, true, true, true])
        #expect(!outbox.push(event(5)), "over the limit")
        #expect(!outbox.push(event(6)), "nothing after the close")
        let batch = await outbox.take()
        #expect(seqs(batch) == [1, 2, 3, 4] && batch.count == 5 && batch.last?.isClose == true)
        #expect(await outbox.take().isEmpty)
    }

    @Test func theWriterWakesForThePushAndTakesEverythingWaiting() async {
        let outbox = Outbox(limit: 100)
        async let first = outbox.take()
        try? await Task.sleep(for: .milliseconds(20))
        outbox.push(event(1))
        #expect(seqs(await first) == [1])
        for seq in 2...10 { outbox.push(event(Int64(seq))) }
        #expect(seqs(await outbox.take()) == Array(2...10))
        outbox.push(.close)
        #expect(!outbox.push(event(11)))
        #expect(await outbox.take().map(\.isClose) == [true])
    }

    @Test func finishingEndsTheWriterAfterWhatIsLeft() async {
        let outbox = Outbox(limit: 100)
        outbox.push(event(1))
        outbox.finish()
        #expect(!outbox.push(event(2)))
        #expect(seqs(await outbox.take()) == [1])
        #expect(await outbox.take().isEmpty)
        // A writer waiting when it is finished wakes with nothing.
        let waiting = Outbox(limit: 100)
        async let taken = waiting.take()
        try? await Task.sleep(for: .milliseconds(20))
        waiting.finish()
        #expect(await taken.isEmpty)
    }

    @Test func aCancelledWriterStopsWaiting() async {
        let outbox = Outbox(limit: 100)
        let writer = Task { await outbox.take() }
        try? await Task.sleep(for: .milliseconds(20))
        writer.cancel()
        #expect(await writer.value.isEmpty)
        #expect(!outbox.push(event(1)))
    }
}
