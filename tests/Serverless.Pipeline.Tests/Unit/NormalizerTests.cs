using System.Text.Json.Nodes;
using Serverless.Pipeline.Normalization;

namespace Serverless.Pipeline.Tests.Unit;

public sealed class NormalizerTests
{
    [Theory]
    [InlineData("  Maria.OConnor@Example.COM ", "maria.oconnor@example.com")]
    [InlineData("jl.dubois@example.fr", "jl.dubois@example.fr")]
    [InlineData("ÉLODIE@exemple.fr", "élodie@exemple.fr")]
    public void Email_Messy_IsTrimmedAndLowerCased(string input, string expected)
    {
        Assert.True(EmailNormalizer.TryNormalize(input, out var normalized, out _));
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData("")]
    [InlineData("no-at-sign.example.com")]
    [InlineData("two@@example.com")]
    [InlineData("@example.com")]
    [InlineData("someone@")]
    [InlineData("someone@localhost")]
    [InlineData("some one@example.com")]
    [InlineData("someone@example..com")]
    [InlineData("someone@example.com.")]
    public void Email_NotAnAddress_FailsWithReason(string input)
    {
        Assert.False(EmailNormalizer.TryNormalize(input, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Theory]
    [InlineData("(617) 555-0143", "US", "+16175550143")]
    [InlineData("+33 6 12 34 56 78", "US", "+33612345678")]
    [InlineData("06 12 34 56 78", "FR", "+33612345678")]
    [InlineData("020 7946 0018", "GB", "+442079460018")]
    public void Phone_NationalOrInternational_IsE164(string input, string region, string expected)
    {
        Assert.True(PhoneNormalizer.TryNormalize(input, region, out var normalized, out _));
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData("call me")]
    [InlineData("12")]
    [InlineData("+1 555")]
    public void Phone_NotANumber_FailsWithoutEchoingDigits(string input)
    {
        Assert.False(PhoneNormalizer.TryNormalize(input, "US", out _, out var error));
        Assert.NotEmpty(error);
        Assert.DoesNotContain("555", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"2026-11-20T14:03:11-05:00\"", "2026-11-20T19:03:11Z")]
    [InlineData("\"2026-11-21T09:15:42Z\"", "2026-11-21T09:15:42Z")]
    [InlineData("\"2026-11-21T10:00:01.120+01:00\"", "2026-11-21T09:00:01.12Z")]
    [InlineData("1763716800", "2025-11-21T09:20:00Z")]
    [InlineData("\"1763716800\"", "2025-11-21T09:20:00Z")]
    [InlineData("1763716800123", "2025-11-21T09:20:00.123Z")]
    public void Timestamp_AnyOffsetOrEpoch_IsUtcIso8601(string json, string expected)
    {
        Assert.True(TimestampNormalizer.TryNormalize(JsonNode.Parse(json)!.AsValue(), out var normalized, out _));
        Assert.Equal(expected, normalized);
    }

    [Theory]
    [InlineData("\"yesterday\"")]
    [InlineData("true")]
    [InlineData("1.5")]
    public void Timestamp_NotATime_Fails(string json)
    {
        Assert.False(TimestampNormalizer.TryNormalize(JsonNode.Parse(json)!.AsValue(), out _, out var error));
        Assert.NotEmpty(error);
    }

    [Theory]
    [InlineData("FR", "FR")]
    [InlineData("fr", "FR")]
    [InlineData("FRA", "FR")]
    [InlineData("France", "FR")]
    [InlineData(" united kingdom ", "GB")]
    [InlineData("UK", "GB")]
    [InlineData("USA", "US")]
    [InlineData("Antigua and Barbuda", "AG")]
    public void Country_CodeOrName_IsAlpha2(string input, string expected)
    {
        Assert.True(CountryCodes.TryNormalize(input, out var alpha2, out _));
        Assert.Equal(expected, alpha2);
    }

    [Theory]
    [InlineData("Atlantis")]
    [InlineData("XX")]
    [InlineData("")]
    public void Country_Unknown_Fails(string input) => Assert.False(CountryCodes.TryNormalize(input, out _, out _));

    [Fact]
    public void FormatUtf8_ManyInstants_EqualsTheFormatString()
    {
        var random = new Random(11);
        for (var i = 0; i < 2_000; i++)
        {
            var ticks = (long)(random.NextDouble() * (DateTime.MaxValue.Ticks - 1));
            var instant = new DateTimeOffset(ticks - (ticks % (i % 3 == 0 ? TimeSpan.TicksPerSecond : 1)), TimeSpan.Zero);

            var expected = instant.UtcDateTime.ToString(TimestampNormalizer.UtcFormat, System.Globalization.CultureInfo.InvariantCulture);

            Assert.Equal(expected, TimestampNormalizer.Format(instant));
        }
    }
}
