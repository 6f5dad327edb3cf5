using Serverless.Pipeline.Validation;

namespace Serverless.Pipeline.Tests.Unit;

public sealed class SchemaVersionTests
{
    [Theory]
    [InlineData("1-0-0", 1, 0, 0)]
    [InlineData("2-10-3", 2, 10, 3)]
    public void TryParse_SchemaVer_ReadsParts(string text, int model, int revision, int addition)
    {
        Assert.True(SchemaVersion.TryParse(text, out var version));
        Assert.Equal(new SchemaVersion(model, revision, addition), version);
        Assert.Equal(text, version.Value.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1.0.0")]
    [InlineData("1-0")]
    [InlineData("0-0-1")]
    [InlineData("-1-0-0")]
    [InlineData("a-b-c")]
    public void TryParse_NotSchemaVer_Fails(string? text) => Assert.False(SchemaVersion.TryParse(text, out _));

    [Fact]
    public void CompareTo_OrdersByModelThenRevisionThenAddition()
    {
        var ordered = new[] { new SchemaVersion(2, 0, 0), new SchemaVersion(1, 0, 1), new SchemaVersion(1, 2, 0), new SchemaVersion(1, 0, 0) }.Order().ToList();

        Assert.Equal([new SchemaVersion(1, 0, 0), new SchemaVersion(1, 0, 1), new SchemaVersion(1, 2, 0), new SchemaVersion(2, 0, 0)], ordered);
    }
}
