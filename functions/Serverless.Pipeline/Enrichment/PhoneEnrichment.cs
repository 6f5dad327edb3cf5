using PhoneNumbers;

namespace Serverless.Pipeline.Enrichment;

/// <summary>Country and line type of a phone number that normalization has already written in E.164.</summary>
internal static class PhoneEnrichment
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    public static void Enrich(string e164, EnrichmentEntry entry)
    {
        if (Normalization.PhoneNormalizer.ParsedE164(e164) is not { } number)
        {
            entry.SetMissing(MissingReason.Unparseable);
            return;
        }

        var region = Util.GetRegionCodeForNumber(number);
        if (string.IsNullOrEmpty(region) || region == "ZZ")
        {
            entry.SetMissing(MissingReason.UnknownValue);
            return;
        }

        entry.Add("country", region);
        entry.Add("lineType", LineType(Util.GetNumberType(number)));
    }

    private static string LineType(PhoneNumberType type) => type switch
    {
        PhoneNumberType.MOBILE => "mobile",
        PhoneNumberType.FIXED_LINE => "fixedLine",
        PhoneNumberType.FIXED_LINE_OR_MOBILE => "fixedLineOrMobile",
        PhoneNumberType.TOLL_FREE => "tollFree",
        PhoneNumberType.PREMIUM_RATE => "premiumRate",
        PhoneNumberType.SHARED_COST => "sharedCost",
        PhoneNumberType.VOIP => "voip",
        PhoneNumberType.PERSONAL_NUMBER => "personalNumber",
        PhoneNumberType.PAGER => "pager",
        PhoneNumberType.UAN => "uan",
        PhoneNumberType.VOICEMAIL => "voicemail",
        _ => "unknown",
    };
}
