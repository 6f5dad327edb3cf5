using Serverless.Pipeline.Http;

namespace Serverless.Pipeline.Tests.Unit;

public sealed class BoundedBodyTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(100_000)]
    public async Task ReadAsync_BodyAtOrUnderTheLimit_IsReadWhole(int length)
    {
        var bytes = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();

        var body = await BoundedBody.ReadAsync(new MemoryStream(bytes), declaredLength: null, limit: 100_000, CancellationToken.None);

        Assert.False(body.TooLarge);
        Assert.Equal(bytes, body.Bytes.ToArray());
    }

    [Fact]
    public async Task ReadAsync_OneByteOverTheLimitWithoutALength_IsTooLarge()
    {
        var body = await BoundedBody.ReadAsync(new MemoryStream(new byte[65 * 1024 + 1]), declaredLength: null, limit: 65 * 1024, CancellationToken.None);

        Assert.True(body.TooLarge);
    }

    [Fact]
    public async Task ReadAsync_DeclaredLengthOverTheLimit_IsTooLargeWithoutReading()
    {
        var stream = new MemoryStream(new byte[10]);

        var body = await BoundedBody.ReadAsync(stream, declaredLength: 2_000_000, limit: 1024, CancellationToken.None);

        Assert.True(body.TooLarge);
        Assert.Equal(0, stream.Position);
    }
}
