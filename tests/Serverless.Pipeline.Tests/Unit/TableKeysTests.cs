using Serverless.Pipeline.Storage;

namespace Serverless.Pipeline.Tests.Unit;

public sealed class TableKeysTests
{
    [Theory]
    [InlineData("C-99812", "C-99812")]
    [InlineData("customer/C-99812", "customer%2FC-99812")]
    [InlineData("a|b#c?d\\e%f", "a%7Cb%23c%3Fd%5Ce%25f")]
    [InlineData("tab\there", "tab%09here")]
    public void Escape_ForbiddenCharacters_ArePercentEncoded(string input, string expected)
    {
        Assert.Equal(expected, TableKeys.Escape(input));
    }

    [Fact]
    public void Customer_SubjectContainingSeparator_CannotCollideWithAnotherTenant()
    {
        Assert.NotEqual(TableKeys.Customer("a", "b|c"), TableKeys.Customer("a|b", "c"));
    }

    [Fact]
    public void StorageNames_BadPrefix_Throws()
    {
        Assert.Throws<ArgumentException>(() => new StorageNames("Bad-Prefix"));
    }
}
