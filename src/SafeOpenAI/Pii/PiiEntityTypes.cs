namespace SafeOpenAI;

/// <summary>
/// The entity types the built-in recognisers report. The names are Presidio's
/// (https://microsoft.github.io/presidio/supported_entities/), so findings, operator settings and
/// evaluation data line up with Presidio's.
/// </summary>
public static class PiiEntityTypes
{
    /// <summary>An e-mail address (RFC 5322 addr-spec, dot-atom form).</summary>
    public const string EmailAddress = "EMAIL_ADDRESS";

    /// <summary>A telephone number, national or international (validated with libphonenumber).</summary>
    public const string PhoneNumber = "PHONE_NUMBER";

    /// <summary>A payment card number (known issuer prefix and length, Luhn check digit, ISO/IEC 7812).</summary>
    public const string CreditCard = "CREDIT_CARD";

    /// <summary>A US Social Security number (SSA rules on area, group and serial).</summary>
    public const string UsSsn = "US_SSN";

    /// <summary>An International Bank Account Number (ISO 13616: per-country length, mod-97 check).</summary>
    public const string IbanCode = "IBAN_CODE";

    /// <summary>An IPv4 or IPv6 address.</summary>
    public const string IpAddress = "IP_ADDRESS";

    /// <summary>A Bitcoin address (Base58Check, bech32 or bech32m).</summary>
    public const string Crypto = "CRYPTO";

    /// <summary>A URL with a scheme (<c>https://…</c>) or a <c>www.</c> host.</summary>
    public const string Url = "URL";

    /// <summary>A bare domain name; the built-in recognisers report hosts only as part of a <see cref="Url"/>.</summary>
    public const string DomainName = "DOMAIN_NAME";
}
