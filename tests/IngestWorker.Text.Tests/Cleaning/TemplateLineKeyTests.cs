using IngestWorker.Text.Cleaning;

namespace IngestWorker.Text.Tests.Cleaning;

/// <summary>Template line keys are stored in shared state: their values must never change.</summary>
public sealed class TemplateLineKeyTests
{
    // The key as first published: every character through the Unicode tables.
    private static ulong Reference(string line)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in line)
        {
            char folded;
            if (char.IsLetter(c))
                folded = char.ToLowerInvariant(c);
            else if (char.IsDigit(c))
                folded = '0';
            else
                continue;
            hash = (hash ^ (byte)folded) * 1099511628211UL;
            hash = (hash ^ (byte)(folded >> 8)) * 1099511628211UL;
        }
        return hash;
    }

    [Fact]
    public void Keys_are_those_first_published_for_every_kind_of_character()
    {
        var random = new Random(11);
        var alphabet = "AZaz09 @[`{~\t-_.,:;!?'\"ÀÉéßİıΣσЖжआ٣中€™\u00A0\u0300".ToCharArray();
        for (var i = 0; i < 2000; i++)
        {
            var line = new string(Enumerable.Range(0, random.Next(0, 40)).Select(_ => random.Next(3) == 0 ? (char)random.Next(32, 127) : alphabet[random.Next(alphabet.Length)]).ToArray());
            Assert.Equal(Reference(line), TemplateLineKey.Of(line));
        }
    }

    [Fact]
    public void Digits_case_and_punctuation_fold_away()
    {
        Assert.Equal(TemplateLineKey.Of("Updated 19 Nov 2019, 09:01"), TemplateLineKey.Of("updated 20 nov 2019 11:45"));
        Assert.NotEqual(TemplateLineKey.Of("Share"), TemplateLineKey.Of("Shore"));
    }
}
