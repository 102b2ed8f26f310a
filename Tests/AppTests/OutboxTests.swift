import NIOCore
import Synchronization
import Testing

@testable import App

/// A socket's outbox: the hub never waits on a socket; a writer runs only while something waits, one
/// at a time, in order; a socket too far behind is closed, never left with a silent gap.
@Suite("A socket's outbox")
struct OutboxTests {
    func event(_ seq: Int64) -> Outbound { .event(spaceId: "s", seq: seq, frame: ByteBuffer(string: "\(seq)")) }

    /// What the writer runs wrote: the seqs (a close as -1), how many runs, the most at once.
    final class Written: Sendable {
        struct Log {
            var seqs: [Int64] = []
            var runs = 0
            var running = 0
            var mostAtOnce = 0
        }
        let log = Mutex(Log())

        func drain(pause: Duration = .zero) -> Outbox.Drain {
            { outbox in
                self.log.withLock {
                    $0.runs += 1
                    $0.running += 1
                    $0.mostAtOnce = max($0.mostAtOnce, $0.running)
                }
                while let batch = outbox.next() {
                    if pause > .zero { try? await Task.sleep(for: pause) }
                    self.log.withLock { log in
                        log.seqs += batch.map { if case .event(_, let seq, _) = $0 { seq } else { -1 } }
                    }
                }
                self.log.withLock { $0.running -= 1 }
            }
        }

        func waitFor(_ count: Int) async {
            for _ in 0..<500 where log.withLock({ $0.seqs.count < count || $0.running > 0 }) {
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
    }

    @Test func aSocketTooFarBehindGetsWhatFittedThenCloseAndNothingAfter() async {
        let outbox = Outbox(limit: 4)
        #expect((1...4).map { outbox.push(event($0)) } == [true, true, true, true])
        #expect(!outbox.push(event(5)), "over the limit")
        #expect(!outbox.push(event(6)), "nothing after the close")
        let written = Written()
        outbox.start(written.drain())
        await written.waitFor(5)
        #expect(written.log.withLock { $0.seqs } == [1, 2, 3, 4, -1])
    }

    @Test func oneWriterAtATimeWritesEverythingInOrderAndEndsWhenNothingWaits() async {
        let outbox = Outbox(limit: 10_000)
        let written = Written()
        outbox.start(written.drain(pause: .milliseconds(1)))
        #expect(written.log.withLock { $0.runs } == 0, "an idle socket has no writer")
        for seq in 1...300 {
            outbox.push(event(Int64(seq)))
            if seq % 50 == 0 { try? await Task.sleep(for: .milliseconds(5)) }
        }
        await written.waitFor(300)
        let log = written.log.withLock { $0 }
        #expect(log.seqs == Array(1...300))
        #expect(log.mostAtOnce == 1 && log.running == 0 && log.runs >= 1)
        // Idle again: the next item starts a new run.
        outbox.push(event(301))
        await written.waitFor(301)
        #expect(written.log.withLock { ($0.seqs.last, $0.runs) } == (301, log.runs + 1))
    }

    @Test func aStoppedOrFinishedOutboxTakesNothingMore() async {
        let stopped = Outbox(limit: 10)
        stopped.stop()
        #expect(!stopped.push(event(1)))
        let finished = Outbox(limit: 10)
        finished.push(event(1))
        finished.finish()
        #expect(!finished.push(event(2)))
        let written = Written()
        finished.start(written.drain())
        await written.waitFor(1)
        #expect(written.log.withLock { $0.seqs } == [1], "what waited when it finished is still written")
    }
}
