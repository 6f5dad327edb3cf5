using Serverless.Pipeline.Keys;
using Serverless.Pipeline.Tests.Support;

namespace Serverless.Pipeline.Tests.Unit;

public sealed class PseudonymizerTests
{
    private readonly Pseudonymizer _pseudonymizer = TestPipeline.Pseudonymizer();

    [Fact]
    public void JoinKey_SameInput_IsStable()
    {
        Assert.Equal(_pseudonymizer.JoinKey("acme-law", "a@b.co"), _pseudonymizer.JoinKey("acme-law", "a@b.co"));
    }

    [Fact]
    public void JoinKey_OtherTenant_Differs()
    {
        Assert.NotEqual(_pseudonymizer.JoinKey("acme-law", "a@b.co"), _pseudonymizer.JoinKey("other-firm", "a@b.co"));
    }

    [Fact]
    public void JoinKey_OtherKey_Differs()
    {
        var other = new Pseudonymizer(new byte[32], "k2");

        Assert.NotEqual(_pseudonymizer.JoinKey("acme-law", "a@b.co"), other.JoinKey("acme-law", "a@b.co"));
        Assert.StartsWith("k2_", other.JoinKey("acme-law", "a@b.co"), StringComparison.Ordinal);
    }

    [Fact]
    public void JoinKey_KnownVector_MatchesHmacSha256OfTenantAndValue()
    {
        var key = Convert.FromBase64String(TestPipeline.KeyBase64);
        var mac = System.Security.Cryptography.HMACSHA256.HashData(key, "acme-law\u001fa@b.co"u8.ToArray());
        var expected = "k1_" + Convert.ToBase64String(mac[..18]).Replace('+', '-').Replace('/', '_');

        Assert.Equal(expected, _pseudonymizer.JoinKey("acme-law", "a@b.co"));
    }

    [Fact]
    public void Constructor_ShortKey_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Pseudonymizer(new byte[16], "k1"));
    }
}
