import Foundation
import Testing

@testable import App

/// The hand-written encodings of tokens and ids agree with Foundation's for every length that matters.
struct SecretsTests {
    @Test func base64urlIsFoundationsBase64WithTheURLAlphabetAndNoPadding() {
        for length in 0...40 {
            let bytes = Secrets.randomBytes(length)
            let expected = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            #expect(Secrets.base64url(bytes) == expected, "length \(length)")
        }
        #expect(Secrets.base64url([0xfb, 0xff, 0xbf]) == "-_-_")
    }

    @Test func hashIsTheLowercaseHexOfSHA256() {
        #expect(Secrets.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Secrets.hex([0x00, 0x0f, 0xf0, 0xff]) == "000ff0ff")
    }
}
