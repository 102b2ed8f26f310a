import Testing

@testable import App

/// `SafeMarkdown` and `HTMLSanitizer` directly, for the edge cases; `ArticlesTests` goes through the API.
@Suite("Article HTML sanitiser")
struct ArticlesSanitizerTests {
    static func hasScriptLink(_ html: String) -> Bool {
        let lower = html.lowercased()
        return lower.contains("javascript:") || lower.contains("vbscript:") || lower.contains("data:")
    }

    @Test(arguments: [
        "[x](javascript:location='//e'//(/)",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x]( javascript:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x][r]\n\n[r]: javascript:alert(1)",
        "[x][r]\n\n[r]: JAVASCRIPT:alert(1)",
        "[x][]\n\n[x]: javascript:alert(1)",
        "[x](//evil.example/)",
        "[x](/\\evil.example/)",
    ])
    func refusedLinksKeepOnlyTheirText(_ markdown: String) {
        let html = SafeMarkdown.html(markdown)
        #expect(!html.contains("<a"), "\(html)")
        #expect(!Self.hasScriptLink(html) || !html.contains("href"), "\(html)")
        #expect(html.contains("x"))
    }

    @Test func allowedLinksStay() {
        #expect(SafeMarkdown.html("[a](https://example.fi/ohje?x=1&y=2)") == #"<p><a href="https://example.fi/ohje?x=1&amp;y=2">a</a></p>"#)
        #expect(SafeMarkdown.html("[a](http://example.fi)").contains(#"<a href="http://example.fi">a</a>"#))
        #expect(SafeMarkdown.html("[a](mailto:neuvonta@example.fi)").contains(#"href="mailto:neuvonta@example.fi""#))
        #expect(SafeMarkdown.html("[a](tel:+358401234567)").contains(#"href="tel:+358401234567""#))
        #expect(SafeMarkdown.html("[a](/catalogue/services/x)").contains(#"href="/catalogue/services/x""#))
        #expect(SafeMarkdown.html("[a](ohjeet/toinen)").contains(#"href="ohjeet/toinen""#))
        #expect(SafeMarkdown.html("[a](#kohta)").contains(##"href="#kohta""##))
        #expect(SafeMarkdown.html("[a][r]\n\n[r]: https://example.fi/r").contains(#"<a href="https://example.fi/r">a</a>"#))
    }

    @Test func autolinksAndRawHTMLAreText() {
        let auto = SafeMarkdown.html("<javascript:alert(1)> ja <https://example.fi>")
        #expect(!auto.contains("<a") && auto.contains("&lt;javascript:alert(1)&gt;"))
        let raw = SafeMarkdown.html(#"<a href="javascript:alert(1)">x</a> <script>alert(2)</script> <img src=x onerror=alert(3)>"#)
        #expect(!raw.contains("<a") && !raw.contains("<script") && !raw.contains("<img"))
        #expect(raw.contains("&lt;script&gt;"))
        let comment = SafeMarkdown.html("<!-- x --><b>y</b>")
        #expect(!comment.contains("<!--") && !comment.contains("<b>"))
    }

    @Test func quotationsRenderAndAngleBracketsStayText() {
        let quote = SafeMarkdown.html("> Lainaus ohjeesta\n\nTeksti: 3 > 2")
        #expect(quote.contains("<blockquote>") && quote.contains("Lainaus ohjeesta"))
        #expect(quote.contains("3 &gt; 2") && !quote.contains("3 > 2"))
        let sneaky = SafeMarkdown.html("> <script>alert(1)</script>\n> [x](javascript:alert(2))")
        #expect(!sneaky.contains("<script") && !sneaky.contains("javascript:"))
    }

    @Test func images() {
        #expect(SafeMarkdown.html("![kuva](https://example.fi/k.png)").contains(#"<img src="https://example.fi/k.png" alt="kuva">"#))
        let refused = SafeMarkdown.html("![kuva](javascript:alert(1)) ![toinen](data:image/svg+xml;base64,PHN2Zz4=)")
        #expect(!refused.contains("<img") && refused.contains("kuva") && refused.contains("toinen"))
        // An address that breaks out of its quotes becomes an attribute, and a handler is not one we keep.
        let quoted = SafeMarkdown.html(#"![x" onerror="alert(1)](https://example.fi/k.png)"#)
        #expect(!quoted.contains("onerror"), "\(quoted)")
    }

    @Test func entityEncodedSchemesAreDecodedFirst() {
        for href in [
            "jav&#x61;script:alert(1)", "jav&#97;script:alert(1)", "jav&#0000097script:alert(1)", "javascript&colon;alert(1)",
            "java&Tab;script:alert(1)", "java\tscript:alert(1)", "java&#10;script:alert(1)", "&#x20;javascript:alert(1)",
            "\u{1}javascript:alert(1)", "jav&#X41;script:alert(1)",
        ] {
            let html = HTMLSanitizer.sanitize(#"<p><a href="\#(href)">x</a></p>"#)
            #expect(html == "<p>x</p>", "\(href) → \(html)")
        }
        // Through Markdown the & is escaped first, so the browser sees it literally: still no link.
        #expect(!SafeMarkdown.html("[x](jav&#x61;script:alert(1))").lowercased().contains("href=\"javascript"))
    }

    @Test func onlyNamedElementsAndAttributes() {
        #expect(HTMLSanitizer.sanitize(#"<h2 id="x" name="y" class="z">T</h2>"#) == "<h2>T</h2>")
        #expect(HTMLSanitizer.sanitize(#"<p onclick="alert(1)" style="x">T</p>"#) == "<p>T</p>")
        #expect(
            HTMLSanitizer.sanitize(#"<a href="https://a.fi" name="n" id="i" target="_blank">T</a>"#) == #"<a href="https://a.fi">T</a>"#)
        #expect(HTMLSanitizer.sanitize("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;")
        #expect(HTMLSanitizer.sanitize(#"<iframe src="https://a.fi"></iframe>"#).hasPrefix("&lt;iframe"))
        #expect(HTMLSanitizer.sanitize(#"<pre><code class="language-swift">let x</code></pre>"#).contains(#"class="language-swift""#))
        #expect(!HTMLSanitizer.sanitize(#"<code class="language-x&quot; onclick=&quot;y">z</code>"#).contains("class"))
        #expect(HTMLSanitizer.sanitize(#"<th align="left">a</th><td align="javascript">b</td>"#) == #"<th align="left">a</th><td>b</td>"#)
        #expect(HTMLSanitizer.sanitize(#"<ol start="3"><li>a</li></ol>"#) == #"<ol start="3"><li>a</li></ol>"#)
        // Values are written back escaped, so quotes cannot end them.
        #expect(HTMLSanitizer.sanitize(#"<img src='/a"b' alt="<em>x</em>">"#) == #"<img src="/a&quot;b" alt="&lt;em&gt;x&lt;/em&gt;">"#)
    }

    @Test func structureIsBalanced() {
        #expect(HTMLSanitizer.sanitize("<blockquote><p>a") == "<blockquote><p>a</p></blockquote>")
        #expect(HTMLSanitizer.sanitize("</p></blockquote>b") == "b")
        #expect(HTMLSanitizer.sanitize("<p><em>a</p>") == "<p><em>a</em></p>")
        #expect(HTMLSanitizer.sanitize("a < b > c & d") == "a &lt; b &gt; c &amp; d")
        #expect(HTMLSanitizer.sanitize("<p unclosed") == "&lt;p unclosed")
    }

    @Test func ordinaryMarkdownIsUnchanged() {
        let markdown = """
            ## Rajaa tuloksia

            Valitse *uraohjaus* tai **palkkatuki**, ~~vanha~~ ja `koodi`.

            1. yksi
            2. kaksi

            - a
            - b

            | a | b |
            |:--|--:|
            | 1 | 2 |

            ---
            """
        let html = SafeMarkdown.html(markdown)
        #expect(
            html.contains("<h2>Rajaa tuloksia</h2>") && html.contains("<em>uraohjaus</em>") && html.contains("<strong>palkkatuki</strong>"))
        #expect(html.contains("<ol><li>yksi</li>") && html.contains("<ul><li>a</li>"))
        #expect(html.contains("<table>") && html.contains(#"<th align="left">a</th>"#) && html.contains("<hr>"))
        #expect(html.contains("<code>koodi</code>"))
    }
}
