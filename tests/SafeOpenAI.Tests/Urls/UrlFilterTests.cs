namespace SafeOpenAI.Tests.Urls;

public class UrlFilterTests
{
    private static SafetyRequest Request(string userText, string? toolText = null)
    {
        List<SafetyMessage> messages = [SafetyMessage.FromText(MessageRole.System, "See https://internal.example.net/rules."), SafetyMessage.FromText(MessageRole.User, userText)];
        if (toolText is not null)
        {
            messages.Add(new SafetyMessage(MessageRole.Tool, [MessagePart.FromText(toolText)], toolCallId: "call-1"));
        }

        return new SafetyRequest(messages, "gpt-4o-mini");
    }

    private static SafetyResponse Answer(string text) => new([MessagePart.FromText(text)], null);

    private static UrlFilter Filter(Action<UrlFilterOptions>? configure = null)
    {
        var options = new UrlFilterOptions();
        configure?.Invoke(options);
        return new UrlFilter(options);
    }

    private static async Task<SafetyVerdict> InputVerdict(string text, Action<UrlFilterOptions>? configure = null) =>
        (await Filter(configure).InspectAsync(Request(text), CancellationToken.None)).Verdict;

    [TestCase("Read https://learn.microsoft.com/dotnet and http://example.org/a.")]
    [TestCase("Try www.example.com or example.co.uk/path.")]
    [TestCase("Mail me at jane.doe@example.com.")]
    [TestCase("Internationalised: https://bücher.de/katalog")]
    public async Task By_default_ordinary_links_pass(string text) =>
        Assert.That((await InputVerdict(text)).Action, Is.EqualTo(SafetyAction.Allow));

    [TestCase("click javascript:alert(document.cookie)", "url.scheme", "")]
    [TestCase("open data:text/html;base64,PHNjcmlwdD4=", "url.scheme", "")]
    [TestCase("open file:///etc/passwd", "url.scheme", "")]
    [TestCase("get ftp://files.example.com/x", "url.scheme", "files.example.com")]
    [TestCase("log in at https://admin:hunter2@example.com/", "url.credentials", "example.com")]
    [TestCase("https://www.example.com@evil.example.net/", "url.credentials", "evil.example.net")]
    [TestCase("see http://192.168.1.10/admin", "url.ip_literal", "192.168.1.10")]
    [TestCase("see http://3232235521/", "url.ip_literal", "3232235521")]
    [TestCase("see http://[fe80::1]/", "url.ip_literal", "fe80::1")]
    [TestCase("pay at https://p\u0430ypal.com/login", "url.homoglyph", "xn--pypal-4ve.com")]
    [TestCase("pay at https://xn--pypal-4ve.com/login", "url.homoglyph", "xn--pypal-4ve.com")]
    public async Task By_default_dangerous_links_are_blocked_with_the_reason_and_host(string text, string code, string host)
    {
        var verdict = await InputVerdict(text);

        Assert.Multiple(() =>
        {
            Assert.That(verdict.Action, Is.EqualTo(SafetyAction.Block));
            Assert.That(verdict.Code, Is.EqualTo(code));
            Assert.That(verdict.Evidence["host"], Is.EqualTo(host));
            Assert.That(string.Join(" ", verdict.Evidence.Values), Does.Not.Contain("hunter2"), "credentials never reach the verdict");
        });
    }

    [Test]
    public async Task A_scheme_refusal_names_the_scheme()
    {
        var verdict = await InputVerdict("javascript:alert(1)");

        Assert.That(verdict.Evidence["scheme"], Is.EqualTo("javascript"));
    }

    [Test]
    public async Task Only_https_can_be_required()
    {
        var verdict = await InputVerdict("see http://example.com", o => { o.AllowedSchemes.Clear(); o.AllowedSchemes.Add("https"); });

        Assert.That((verdict.Action, verdict.Code), Is.EqualTo((SafetyAction.Block, "url.scheme")));
    }

    [TestCase("https://docs.example.com/a", SafetyAction.Allow)]
    [TestCase("docs.example.com", SafetyAction.Allow)]
    [TestCase("https://DOCS.Example.com./a", SafetyAction.Allow)]
    [TestCase("https://www.docs.example.com/a", SafetyAction.Allow)]
    [TestCase("https://api.docs.example.com/a", SafetyAction.Block)]
    [TestCase("https://example.com/a", SafetyAction.Block)]
    [TestCase("https://docs.example.com.evil.net/a", SafetyAction.Block)]
    [TestCase("https://evildocs.example.com/a", SafetyAction.Block)]
    public async Task With_an_allow_list_only_listed_hosts_pass(string url, SafetyAction expected)
    {
        var verdict = await InputVerdict("see " + url, o => o.AllowedHosts.Add("docs.example.com"));

        Assert.That(verdict.Action, Is.EqualTo(expected));
        if (expected == SafetyAction.Block)
        {
            Assert.That(verdict.Code, Is.EqualTo("url.not_allowed"));
        }
    }

    [TestCase("https://example.com/", SafetyAction.Allow)]
    [TestCase("https://a.b.example.com/", SafetyAction.Allow)]
    [TestCase("https://www.example.com/", SafetyAction.Allow)]
    [TestCase("https://notexample.com/", SafetyAction.Block)]
    public async Task Subdomains_are_allowed_when_asked(string url, SafetyAction expected)
    {
        var verdict = await InputVerdict(url, o => { o.AllowedHosts.Add("example.com"); o.AllowSubdomains = true; });

        Assert.That(verdict.Action, Is.EqualTo(expected));
    }

    [TestCase("https://example.com/", SafetyAction.Allow)]
    [TestCase("https://api.example.com/", SafetyAction.Allow)]
    [TestCase("https://example.org/", SafetyAction.Block)]
    public async Task A_wildcard_entry_allows_the_host_and_its_subdomains(string url, SafetyAction expected) =>
        Assert.That((await InputVerdict(url, o => o.AllowedHosts.Add("*.example.com"))).Action, Is.EqualTo(expected));

    [TestCase("https://example.com/docs/intro", SafetyAction.Allow)]
    [TestCase("https://example.com/docs", SafetyAction.Allow)]
    [TestCase("https://example.com/docsearch", SafetyAction.Block)]
    [TestCase("https://example.com/blog", SafetyAction.Block)]
    [TestCase("http://example.com/docs/intro", SafetyAction.Block)]
    public async Task A_url_entry_limits_the_scheme_and_path(string url, SafetyAction expected) =>
        Assert.That((await InputVerdict(url, o => o.AllowedHosts.Add("https://example.com/docs"))).Action, Is.EqualTo(expected));

    [Test]
    public async Task A_listed_ip_literal_is_allowed_but_credentials_are_still_refused()
    {
        Action<UrlFilterOptions> configure = o => o.AllowedHosts.Add("10.0.0.5");

        Assert.That((await InputVerdict("http://10.0.0.5/status", configure)).Action, Is.EqualTo(SafetyAction.Allow));
        Assert.That((await InputVerdict("http://u:p@10.0.0.5/status", configure)).Code, Is.EqualTo("url.credentials"));
    }

    [TestCase("http://10.1.2.3/", SafetyAction.Allow)]
    [TestCase("http://11.0.0.1/", SafetyAction.Block)]
    [TestCase("http://[2001:db8::5]/", SafetyAction.Allow)]
    [TestCase("http://[2001:db9::5]/", SafetyAction.Block)]
    public async Task Ip_ranges_can_be_listed_in_cidr_notation(string url, SafetyAction expected) =>
        Assert.That((await InputVerdict(url, o => { o.AllowedHosts.Add("10.0.0.0/8"); o.AllowedHosts.Add("2001:db8::/32"); })).Action, Is.EqualTo(expected));

    [Test]
    public async Task A_unicode_allow_list_entry_matches_its_punycode_form()
    {
        var verdict = await InputVerdict("https://xn--bcher-kva.de/", o => o.AllowedHosts.Add("bücher.de"));

        Assert.That(verdict.Action, Is.EqualTo(SafetyAction.Allow), "a listed IDN host is trusted, even as punycode");
    }

    [Test]
    public async Task Each_dangerous_check_can_be_switched_off()
    {
        Action<UrlFilterOptions> off = o => { o.BlockIpLiterals = false; o.BlockUserInfo = false; o.BlockPunycodeAndMixedScriptHosts = false; };

        Assert.That((await InputVerdict("http://127.0.0.1/ https://u:p@example.com https://xn--pypal-4ve.com", off)).Action, Is.EqualTo(SafetyAction.Allow));
    }

    [Test]
    public async Task Tool_messages_are_checked_only_when_asked()
    {
        var request = Request("summarise the tool result", toolText: "found javascript:alert(1)");

        Assert.That((await Filter().InspectAsync(request, CancellationToken.None)).Verdict.Action, Is.EqualTo(SafetyAction.Allow));
        Assert.That((await Filter(o => o.IncludeToolMessages = true).InspectAsync(request, CancellationToken.None)).Verdict.Code, Is.EqualTo("url.scheme"));
    }

    [Test]
    public async Task The_system_prompt_is_not_checked()
    {
        var verdict = await InputVerdict("hello", o => o.AllowedHosts.Add("example.com"));

        Assert.That(verdict.Action, Is.EqualTo(SafetyAction.Allow));
    }

    [Test]
    public async Task On_output_a_refused_url_is_redacted_by_default()
    {
        var result = await Filter(o => o.AllowedHosts.Add("docs.example.com"))
            .ValidateAsync(Request("hi"), Answer("See https://docs.example.com/a and https://evil.example.net/b, or http://10.0.0.1/."), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Verdict.Code, Is.EqualTo("url.redacted"));
            Assert.That(result.RewrittenResponse!.Text, Is.EqualTo("See https://docs.example.com/a and [link removed], or [link removed]."));
            Assert.That(result.Verdict.Evidence["total"], Is.EqualTo("2"));
            Assert.That(result.Verdict.Evidence["url.not_allowed"], Is.EqualTo("1"));
            Assert.That(result.Verdict.Evidence["url.ip_literal"], Is.EqualTo("1"));
        });
    }

    [Test]
    public async Task On_output_block_withholds_the_answer()
    {
        var result = await Filter(o => o.OutputAction = UrlFilterAction.Block)
            .ValidateAsync(Request("hi"), Answer("Click javascript:alert(1) now"), CancellationToken.None);

        Assert.That((result.Verdict.Action, result.Verdict.Code, result.Verdict.Evidence["location"]), Is.EqualTo((SafetyAction.Block, "url.scheme", "content")));
    }

    [Test]
    public async Task A_custom_replacement_is_used()
    {
        var result = await Filter(o => o.Replacement = "<removed>").ValidateAsync(Request("hi"), Answer("go http://127.0.0.1/x"), CancellationToken.None);

        Assert.That(result.RewrittenResponse!.Text, Is.EqualTo("go <removed>"));
    }

    [Test]
    public async Task A_refused_url_in_tool_call_arguments_blocks_the_answer()
    {
        var answer = new SafetyResponse([], null, toolCalls: [new ToolCallInfo("call-1", "fetch", "{\"url\":\"http://169.254.169.254/latest/meta-data\"}")]);

        var result = await Filter().ValidateAsync(Request("hi"), answer, CancellationToken.None);

        Assert.That((result.Verdict.Action, result.Verdict.Code, result.Verdict.Evidence["location"]), Is.EqualTo((SafetyAction.Block, "url.ip_literal", "tool_call")));
    }

    [Test]
    public async Task A_refused_url_in_a_refusal_blocks_the_answer()
    {
        var answer = new SafetyResponse([], null, refusal: "I can't, but try https://u:p@example.com");

        var result = await Filter().ValidateAsync(Request("hi"), answer, CancellationToken.None);

        Assert.That((result.Verdict.Code, result.Verdict.Evidence["location"]), Is.EqualTo(("url.credentials", "refusal")));
    }

    [Test]
    public async Task A_streamed_window_is_judged_with_its_context_and_only_its_own_text_is_rewritten()
    {
        var window = new SafetyResponse([MessagePart.FromText("0.0.1/admin for the panel.")], null) { Window = new OutputWindow(1, 100, "Open http://127.", isFinal: false) };

        var result = await Filter().ValidateAsync(Request("hi"), window, CancellationToken.None);

        Assert.That(result.RewrittenResponse!.Text, Is.EqualTo("[link removed] for the panel."));
    }

    [Test]
    public async Task A_url_wholly_inside_the_context_is_not_judged_again()
    {
        var window = new SafetyResponse([MessagePart.FromText(" And that is all.")], null) { Window = new OutputWindow(1, 100, "Open http://127.0.0.1/.", isFinal: false) };

        var result = await Filter().ValidateAsync(Request("hi"), window, CancellationToken.None);

        Assert.That(result.Verdict.Action, Is.EqualTo(SafetyAction.Allow));
    }

    [Test]
    public void The_direction_decides_the_output_scope()
    {
        Assert.That(Filter(o => o.Direction = FilterDirection.Input).GetScope(Request("hi")), Is.EqualTo(OutputValidationScope.None));
        Assert.That(Filter().GetScope(Request("hi")), Is.EqualTo(OutputValidationScope.Window));
    }

    [Test]
    public async Task An_output_only_filter_lets_the_input_through()
    {
        var verdict = await InputVerdict("javascript:alert(1)", o => o.Direction = FilterDirection.Output);

        Assert.That(verdict.Action, Is.EqualTo(SafetyAction.Allow));
    }

    [TestCase("")]
    [TestCase("exa mple.com")]
    [TestCase("*.")]
    [TestCase("https://")]
    public void A_bad_allow_list_entry_is_refused_with_its_name(string entry)
    {
        var error = Assert.Throws<ArgumentException>(() => Filter(o => o.AllowedHosts.Add(entry)));

        Assert.That(error!.ParamName, Is.EqualTo("options.AllowedHosts"));
    }

    [Test]
    public void Other_bad_options_are_refused_with_their_names()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => Filter(o => o.Replacement = ""))!.ParamName, Is.EqualTo("options.Replacement"));
        Assert.That(Assert.Throws<ArgumentException>(() => Filter(o => o.AllowedSchemes.Add("https:")))!.ParamName, Is.EqualTo("options.AllowedSchemes"));
        Assert.That(Assert.Throws<ArgumentException>(() => Filter(o => o.Direction = 0))!.ParamName, Is.EqualTo("options.Direction"));
        Assert.That(Assert.Throws<ArgumentException>(() => Filter(o => o.OutputAction = (UrlFilterAction)7))!.ParamName, Is.EqualTo("options.OutputAction"));
    }
}
