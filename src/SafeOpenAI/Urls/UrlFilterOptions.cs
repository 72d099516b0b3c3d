namespace SafeOpenAI;

/// <summary>
/// Options of <see cref="UrlFilter"/>: which URLs may appear in the user's messages and in the
/// model's answer. Read once, when the filter is created; not thread-safe to mutate afterwards.
/// Every option binds from configuration (<c>SafeOpenAI:Defenses:UrlFilter</c>).
/// </summary>
/// <remarks>
/// With an empty <see cref="AllowedHosts"/> only dangerous URLs are refused: a scheme outside
/// <see cref="AllowedSchemes"/> (<c>javascript:</c>, <c>data:</c>, <c>file:</c>, <c>ftp://</c>),
/// credentials in the URL, IP-literal hosts and punycode or mixed-script hosts. With hosts listed,
/// every other host is refused as well. A listed host is trusted: an IP literal or punycode host
/// that is listed is allowed, but credentials and schemes are checked for every URL.
/// </remarks>
public sealed class UrlFilterOptions
{
    /// <summary>
    /// Gets the hosts URLs may point to; empty (default) for any host that is not dangerous.
    /// An entry is a host name (<c>example.com</c>: that host and <c>www.example.com</c>, or every subdomain
    /// when <see cref="AllowSubdomains"/> is on), a wildcard (<c>*.example.com</c>: the host and every
    /// subdomain), an IP literal (<c>10.0.0.5</c>, <c>[::1]</c>), an IP range in CIDR notation
    /// (<c>10.0.0.0/8</c>, <c>2001:db8::/32</c>), or a URL
    /// (<c>https://docs.example.com/guide</c>: that host, only with that scheme, and only paths under that path).
    /// Host names are compared case-insensitively after IDNA (Unicode names match their <c>xn--</c> form).
    /// </summary>
    public IList<string> AllowedHosts { get; } = new List<string>();

    /// <summary>
    /// Gets or sets a value indicating whether a listed host name also allows its subdomains
    /// (<c>example.com</c> then allows <c>api.example.com</c>). Default <see langword="false"/>, as in
    /// OpenAI Guardrails' <c>allow_subdomains</c>; a <c>*.</c> entry always allows them.
    /// </summary>
    public bool AllowSubdomains { get; set; }

    /// <summary>
    /// Gets the schemes a URL written with a scheme may use, lower case without the colon. Default
    /// <c>https</c> and <c>http</c>: plain http is a transport weakness rather than a dangerous link, and
    /// refusing it would strike many ordinary citations; list only <c>https</c> to be as strict as OpenAI
    /// Guardrails' default. Every other scheme (<c>javascript</c>, <c>data</c>, <c>file</c>, <c>vbscript</c>,
    /// <c>ftp</c>, ...) is refused with <c>url.scheme</c>. URLs written without a scheme
    /// (<c>www.example.com</c>, <c>example.com/page</c>) are not checked against this list.
    /// </summary>
    public ISet<string> AllowedSchemes { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "https", "http" };

    /// <summary>Gets or sets a value indicating whether a URL with credentials (<c>https://user:pass@host</c>) is refused (<c>url.credentials</c>). Default <see langword="true"/>.</summary>
    public bool BlockUserInfo { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether a URL whose host is an IP address is refused (<c>url.ip_literal</c>):
    /// dotted IPv4, IPv6 in brackets, and the numeric forms browsers read as IPv4 (<c>http://3232235521</c>,
    /// <c>http://0x7f.1</c>). Default <see langword="true"/>: such links skip name-based trust and reach internal hosts.
    /// </summary>
    public bool BlockIpLiterals { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether a host with a punycode (<c>xn--</c>) label, a label that mixes
    /// scripts (Cyrillic <c>а</c> in <c>pаypal.com</c>), or a label made only of letters that look Latin
    /// (Unicode Technical Standard #39) is refused (<c>url.homoglyph</c>). Default <see langword="true"/>.
    /// </summary>
    public bool BlockPunycodeAndMixedScriptHosts { get; set; } = true;

    /// <summary>Gets or sets which side is checked. Default <see cref="FilterDirection.Both"/>.</summary>
    public FilterDirection Direction { get; set; } = FilterDirection.Both;

    /// <summary>
    /// Gets or sets what happens to a refused URL in the model's answer. Default <see cref="UrlFilterAction.Redact"/>:
    /// the link goes, the answer stays. A refused URL in the user's messages always blocks the request,
    /// because silently removing part of what the user wrote would change the question.
    /// </summary>
    public UrlFilterAction OutputAction { get; set; } = UrlFilterAction.Redact;

    /// <summary>Gets or sets the text that replaces a redacted URL in an answer. Default <c>[link removed]</c>; must not be empty.</summary>
    public string Replacement { get; set; } = "[link removed]";

    /// <summary>
    /// Gets or sets a value indicating whether tool messages in the request are checked too. Default
    /// <see langword="false"/>: tool results (a fetched page, a search result) cite URLs as a matter of
    /// course; what the model repeats from them is checked on output.
    /// </summary>
    public bool IncludeToolMessages { get; set; }
}
