using IngestWorker.Storage;

namespace IngestWorker.Tests;

public sealed class ReceiptNameTests
{
    [Theory]
    [InlineData("a/b.txt")]
    [InlineData("mail@example.com.txt")]
    [InlineData("a@0x1")]
    [InlineData("deep/er/still/x.html")]
    public void A_receipt_name_parses_back_into_its_parts(string inputName)
    {
        var parsed = BlobNames.ParseReceipt(BlobNames.Receipt("v2.1", "incoming", inputName, "\"0x8DC1\""));

        Assert.Equal(new ReceiptName("v2.1", "incoming", inputName, "0x8DC1"), parsed);
    }

    [Theory]
    [InlineData("claims/incoming/a.txt")]
    [InlineData("receipts/1/incoming/no-etag")]
    [InlineData("receipts/1/incoming/@0x1")]
    [InlineData("receipts/1/incoming/a@")]
    [InlineData("receipts/1/a@0x1")]
    [InlineData("receipts//incoming/a@0x1")]
    public void Names_that_are_not_receipts_do_not_parse(string blobName) =>
        Assert.Null(BlobNames.ParseReceipt(blobName));

    [Fact]
    public void A_shortened_receipt_name_is_recognised_and_does_not_parse()
    {
        var shortened = BlobNames.Receipt("1", "incoming", new string('x', 1020), "\"0x1\"");
        var longest = BlobNames.Receipt("1", "incoming", new string('x', 1024 - "receipts/1/incoming/@0x1".Length), "\"0x1\"");

        Assert.True(BlobNames.IsShortened(shortened));
        Assert.Null(BlobNames.ParseReceipt(shortened));
        Assert.Equal(1024, longest.Length);
        Assert.False(BlobNames.IsShortened(longest));
        Assert.NotNull(BlobNames.ParseReceipt(longest));
    }

    [Fact]
    public void The_receipt_prefix_is_where_receipt_names_start() =>
        Assert.StartsWith(BlobNames.ReceiptPrefix("1", "incoming"), BlobNames.Receipt("1", "incoming", "a", "\"e\""));
}
