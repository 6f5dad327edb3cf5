namespace Serverless.Pipeline.Enrichment;

/// <summary>
/// Campaign attribution from a page URL (absolute, or a path with a query): the <c>utm_*</c> parameters and the ad
/// click ids <c>gclid</c> (Google Ads) and <c>fbclid</c> (Meta). Click ids identify one click, so they are personal.
/// </summary>
internal static class PageUrlEnrichment
{
    private const int MaxValueLength = 256;

    private static readonly string[] Parameters =
        ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "utm_id", "gclid", "fbclid"];

    public static void Enrich(string text, EnrichmentEntry entry, Func<string, string> joinKey)
    {
        if (!UrlText.TryParse(text, out var url))
        {
            entry.SetMissing(MissingReason.Unparseable);
            return;
        }

        if (url.IsAbsoluteUri)
        {
            entry.Add("host", url.IdnHost.ToLowerInvariant());
        }

        AddCampaign(UrlText.Query(url), entry, joinKey);
    }

    public static void AddCampaign(string query, EnrichmentEntry entry, Func<string, string> joinKey)
    {
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var name = pair[..equals];
            if (Array.IndexOf(Parameters, name.ToLowerInvariant()) is var index and >= 0 && entry.Text(Parameters[index]) is null)
            {
                var value = Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' ')).Trim();
                if (value.Length == 0)
                {
                    continue;
                }

                value = value.Length > MaxValueLength ? value[..MaxValueLength] : value;
                if (EventEnrichments.PersonalValues.Contains(entry.Kind + "." + Parameters[index]))
                {
                    entry.AddPersonal(Parameters[index], value, joinKey(value));
                }
                else
                {
                    entry.Add(Parameters[index], value);
                }
            }
        }
    }
}

/// <summary>URLs as events carry them: absolute, or site-relative (<c>/path?query</c>).</summary>
internal static class UrlText
{
    private static readonly Uri SiteBase = new("https://site.invalid/");

    public static bool TryParse(string text, out Uri url)
    {
        url = null!;
        if (Uri.TryCreate(text, UriKind.Absolute, out var absolute) && (absolute.Scheme == Uri.UriSchemeHttps || absolute.Scheme == Uri.UriSchemeHttp))
        {
            url = absolute;
            return true;
        }

        if (text.StartsWith('/') && !text.StartsWith("//", StringComparison.Ordinal) && Uri.TryCreate(SiteBase, text, out var relative))
        {
            // Kept relative in meaning: the caller reads only its query, never the placeholder host.
            url = new Uri(relative.PathAndQuery, UriKind.Relative);
            return true;
        }

        return false;
    }

    public static string Query(Uri url)
    {
        var text = url.IsAbsoluteUri ? url.Query : url.OriginalString;
        var question = text.IndexOf('?', StringComparison.Ordinal);
        var query = question >= 0 ? text[(question + 1)..] : string.Empty;
        var hash = query.IndexOf('#', StringComparison.Ordinal);
        return hash >= 0 ? query[..hash] : query;
    }
}
