using System.Text;
using IngestWorker.Text.Dedup.Near;

namespace IngestWorker.Text.Tests.Dedup.Near;

public sealed class MinHasherTests
{
    private static readonly MinHasher Hasher = new(new MinHashOptions());

    private const string Story = "Syrian President Bashar Assad said in remarks published Monday that he was prepared to negotiate everything at planned talks later this month in Kazakhstan, seeking to cast himself as a peacemaker after his forces recaptured Aleppo last month.";

    [Fact]
    public void Identical_text_gives_identical_signatures_across_instances()
    {
        var a = Hasher.Compute(Story);
        var b = new MinHasher(new MinHashOptions()).Compute(Story);
        Assert.Equal(a, b);
        Assert.Equal(112, a.Values.Length);
        Assert.Equal(1.0, a.EstimateJaccard(b));
    }

    [Fact]
    public void Shingle_count_is_the_number_of_word_windows()
    {
        var words = NearDuplicateText.Words(NearDuplicateText.Normalize(Story)).Count;
        Assert.Equal(words - 4, Hasher.Compute(Story).ShingleCount);
        Assert.Equal(1, Hasher.Compute("only three words").ShingleCount);
        Assert.Equal(1, Hasher.Compute("exactly five words are here").ShingleCount);
    }

    [Fact]
    public void Word_order_matters()
    {
        Assert.NotEqual(Hasher.Compute("alpha beta gamma delta epsilon"), Hasher.Compute("beta alpha gamma delta epsilon"));
        Assert.NotEqual(Hasher.Compute("alpha beta"), Hasher.Compute("beta alpha"));
        // Word boundaries matter too.
        Assert.NotEqual(Hasher.Compute("ab c"), Hasher.Compute("a bc"));
    }

    [Fact]
    public void Punctuation_case_quote_style_accents_and_digits_do_not_matter()
    {
        var a = Hasher.Compute("He said: \"It's over\" — on 12 March 2024, at the Café in the U.S.");
        var b = Hasher.Compute("HE SAID “it’s over”… on 31 march 1999 at the cafe, in the U S");
        Assert.Equal(a, b);
        Assert.Equal(a.ShingleCount, b.ShingleCount);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\n\t ")]
    [InlineData("— … !!! ###")]
    public void Text_without_words_has_the_empty_signature(string text)
    {
        var s = Hasher.Compute(text);
        Assert.Equal(0, s.ShingleCount);
        Assert.True(s.IsEmpty);
        Assert.All(s.Values.ToArray(), v => Assert.Equal(ulong.MaxValue, v));
        Assert.Equal(0.0, s.EstimateJaccard(Hasher.Compute("")));
        Assert.Equal(0.0, s.EstimateJaccard(Hasher.Compute(Story)));
    }

    [Fact]
    public void Seed_and_shingle_size_change_every_signature()
    {
        var one = Hasher.Compute(Story);
        var seeded = new MinHasher(new MinHashOptions { Seed = 2 }).Compute(Story);
        var trigrams = new MinHasher(new MinHashOptions { ShingleWords = 3 }).Compute(Story);
        Assert.Equal(0.0, one.EstimateJaccard(seeded));
        Assert.Equal(0.0, one.EstimateJaccard(trigrams));
        Assert.Equal(9 * 13, new MinHasher(new MinHashOptions { Bands = 9, RowsPerBand = 13 }).Compute(Story).Values.Length);
    }

    [Fact]
    public void Signature_of_a_fixed_text_does_not_change()
    {
        // Golden values: signatures are stored, so any change to normalization, word or shingle
        // hashing, or the hash functions, must be deliberate (and needs the index rebuilt).
        var s = Hasher.Compute("The quick brown fox jumps over the lazy dog, again and again.");
        Assert.Equal(8, s.ShingleCount);
        Assert.Equal(96188687561830943UL, s.Values[0]);
        Assert.Equal(10539477786965043709UL, s.BandKey(0, 8));
        Assert.Equal(401090696340050767UL, s.BandKey(13, 8));
    }

    public static TheoryData<string> PathTexts()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _) in Texts())
            data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(PathTexts))]
    public void One_pass_words_match_the_words_of_the_normalized_text(string name)
    {
        var text = Texts().Single(t => t.Name == name).Text;
        var reference = Hasher.ComputeFromWords(NearDuplicateText.Words(NearDuplicateText.Normalize(text)), MinHashPath.Scalar);
        foreach (var path in Enum.GetValues<MinHashPath>())
        {
            var s = Hasher.Compute(text, path);
            Assert.Equal(reference.ShingleCount, s.ShingleCount);
            Assert.True(reference.Values.SequenceEqual(s.Values), $"{path} differs from the reference on {name}");
        }
    }

    [Fact]
    public void Vector_and_scalar_paths_agree_for_any_number_of_hash_functions()
    {
        // 1 to 19 functions cover every mix of 16-, 8- and 4-lane blocks and a scalar tail.
        foreach (var (bands, rows) in Enumerable.Range(1, 19).Select(n => (1, n)).Append((14, 8)).Append((13, 17)))
        {
            var count = bands * rows;
            var options = new MinHashOptions { Bands = bands, RowsPerBand = rows, Seed = 7 };
            var hasher = new MinHasher(options);
            foreach (var text in SeedTexts.Cleaned)
            {
                var scalar = hasher.Compute(text, MinHashPath.Scalar);
                Assert.True(scalar.Values.SequenceEqual(hasher.Compute(text, MinHashPath.Vector256).Values), $"Vector256 with {count} functions");
                Assert.True(scalar.Values.SequenceEqual(hasher.Compute(text, MinHashPath.Vector512).Values), $"Vector512 with {count} functions");
            }
        }
    }

    [Fact]
    public void Estimated_jaccard_is_close_to_the_exact_jaccard_of_the_shingle_sets()
    {
        // The estimate is the share of 112 positions that agree, a binomial proportion with
        // standard error √(J(1-J)/112) ≤ 0.047: 0.15 is more than three standard errors, and the
        // mean absolute error should be about 0.8 of one (≤ 0.038).
        var errors = new List<double>();
        foreach (var text in SeedTexts.Cleaned)
        {
            var words = NearDuplicateText.Words(NearDuplicateText.Normalize(text));
            var window = words.Count * 3 / 5;
            var first = string.Join(' ', words.Take(window));
            foreach (var shift in new[] { 0, 10, 30, 60, 100, 150, 200 })
            {
                var second = string.Join(' ', words.Skip(shift).Take(window));
                var exact = ExactJaccard(first, second, 5);
                var estimate = Hasher.Compute(first).EstimateJaccard(Hasher.Compute(second));
                Assert.True(Math.Abs(estimate - exact) <= 0.15, $"shift {shift}: exact {exact:F3}, estimate {estimate:F3}");
                errors.Add(Math.Abs(estimate - exact));
            }
        }
        Assert.True(errors.Average() <= 0.05, $"mean error {errors.Average():F4}");
    }

    [Fact]
    public void Concurrent_use_gives_the_same_signatures()
    {
        var texts = SeedTexts.Cleaned.Concat(Texts().Select(t => t.Text)).ToArray();
        var expected = texts.Select(t => Hasher.Compute(t)).ToArray();
        var results = new MinHashSignature[texts.Length * 8];
        Parallel.For(0, results.Length, i => results[i] = Hasher.Compute(texts[i % texts.Length]));
        for (var i = 0; i < results.Length; i++)
            Assert.Equal(expected[i % texts.Length], results[i]);
    }

    internal static double ExactJaccard(string a, string b, int n)
    {
        var x = ShingleSet(a, n);
        var y = ShingleSet(b, n);
        var common = x.Count(y.Contains);
        return (double)common / (x.Count + y.Count - common);
    }

    private static HashSet<string> ShingleSet(string text, int n)
    {
        var words = NearDuplicateText.Words(NearDuplicateText.Normalize(text));
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (words.Count < n)
            set.Add(string.Join(' ', words));
        for (var i = 0; i + n <= words.Count; i++)
            set.Add(string.Join(' ', words.Skip(i).Take(n)));
        return set;
    }

    // Texts that reach every branch of the one-pass word hasher: ASCII and other runs of 32,
    // chunk ends inside words and surrogate pairs, expansions, marks, spaceless letters, long
    // words, runs of breaks.
    private static IEnumerable<(string Name, string Text)> Texts()
    {
        yield return ("empty", "");
        yield return ("story", Story);
        for (var length = 28; length <= 36; length++)
            yield return ($"ascii word of {length}", new string('q', length) + " tail");
        yield return ("every BMP character", EveryBmpCharacter());
        yield return ("surrogates", "𠀀𠀁 x 😀 y 𝐀𝟎 z \uD800 lone \uDC00 𐐀𐐨 end " + new string('a', 31) + "𠀀b" + new string('c', 30) + "😀d");
        yield return ("cjk and thai", "日本語のテキストと中文，混合 text ภาษาไทย ที่นี่ 東京タワーは高い。Apple社のiPhone");
        yield return ("indic spacing marks", "हिन्दी भाषा ः नमस्ते " + new string('क', 40) + "ा" + " ाक");
        yield return ("hangul", string.Concat(Enumerable.Repeat("한국어 텍스트 입니다 ", 10)));
        yield return ("long words", string.Join(' ', Enumerable.Range(1, 60).Select(n => new string((char)('a' + n % 26), n))));
        yield return ("breaks", string.Concat(Enumerable.Repeat("a — … !!! b\n\n\t", 30)));
        var random = new Random(42);
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCXYZ0123456789 .,;:'\"“”‘’—–-…!?()éÉçñøßİıĳ\u0301\u0308\u00AD\u200B\u200C中文日本語テスト한국ภาษาไทยนี่हिंदीा\u0903ÅΩ";
        for (var n = 0; n < 12; n++)
        {
            var sb = new StringBuilder();
            var length = random.Next(0, 400);
            while (sb.Length < length)
            {
                if (random.Next(40) == 0)
                    sb.Append(random.Next(3) == 0 ? "😀" : "𠀋");
                else
                    sb.Append(alphabet[random.Next(alphabet.Length)]);
            }
            yield return ($"random {n}", sb.ToString());
        }
    }

    private static string EveryBmpCharacter()
    {
        var sb = new StringBuilder();
        for (var i = 0; i < 65536; i++)
        {
            if (char.IsSurrogate((char)i))
                continue;
            sb.Append((char)i);
            if (i % 7 == 0)
                sb.Append(' ');
        }
        return sb.ToString();
    }
}
