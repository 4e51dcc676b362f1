using System.Collections.Frozen;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using static IngestWorker.Text.Quality.QualityChars;

namespace IngestWorker.Text.Quality;

// One section of QualityAnalyzer: word tokens, split as the signals see them.
internal sealed partial class QualityAnalyzer
{
    private void EnsureTokenCapacity(int needed)
    {
        if (_tokHash.Length >= needed)
            return;
        var size = (int)BitOperations.RoundUpToPowerOf2((uint)needed);
        Array.Resize(ref _tokHash, size);
        Array.Resize(ref _tokLen, size);
        Array.Resize(ref _tokKind, size);
        Array.Resize(ref _tokStart, size);
        Array.Resize(ref _tokEnd, size);
    }

    /// <summary>Splits the line [start, end) into whitespace-separated chunks and those into tokens.</summary>
    private void TokenizeLine(int start, int end)
    {
        _lineTokens = 0;
        _lineBoundaries = 0;
        _pendingBoundary = false;
        _lineChunks = 0;
        _lineC4Words = 0;
        _lineLongestChunk = 0;
        var text = _text;
        var i = start;
        while (i < end)
        {
            if ((Flags(text[i]) & Space) != 0)
            {
                i++;
                continue;
            }
            _lineChunks++;
            var chunkEnd = TokenizeChunk(i, end);
            _lineLongestChunk = Math.Max(_lineLongestChunk, chunkEnd - i);
            i = chunkEnd;
        }
    }

    /// <summary>Is there nothing but whitespace from <paramref name="i"/> to the end of the line?</summary>
    private bool RestIsBlank(int i, int lineEnd)
    {
        while (i < lineEnd && (Flags(_text[i]) & Space) != 0)
            i++;
        return i >= lineEnd;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool ChunkGoesOn(int i, int lineEnd) => i < lineEnd && (Flags(_text[i]) & Space) == 0;

    /// <summary>
    /// NLTK Treebank-style tokens of the whitespace-free chunk starting at <paramref name="start"/>
    /// (see <see cref="QualitySignals"/>' remarks); returns where the chunk ends.
    /// </summary>
    private int TokenizeChunk(int start, int lineEnd)
    {
        var text = _text;
        var word = -1; // start of the word token being built
        var spacelessLetters = 0;
        var k = start;
        while (k < lineEnd)
        {
            var c = text[k];
            var f = Flags(c);
            if ((f & Space) != 0)
                break;
            if ((f & (Spaceless | SplitPunct | TokenSpecial)) == 0)
            {
                // the common case: a character inside a word
                if (word < 0)
                    word = k;
                k++;
                continue;
            }
            if ((f & Spaceless) != 0)
            {
                // A Han, kana, Thai… character with its combining marks is a word of its own.
                FlushWord(word, k);
                word = -1;
                if ((f & Letter) != 0)
                    spacelessLetters++;
                var e = k + 1;
                while (e < lineEnd && (Flags(text[e]) & Mark) != 0)
                    e++;
                EmitToken(k, e, spacelessToken: true);
                k = e;
                continue;
            }
            if (char.IsHighSurrogate(c) && k + 1 < lineEnd && char.IsLowSurrogate(text[k + 1]))
            {
                var script = ScriptOfRune(char.ConvertToUtf32(c, text[k + 1]));
                if (script is Script.Han or Script.Hiragana)
                {
                    FlushWord(word, k);
                    word = -1;
                    spacelessLetters++;
                    var e = k + 2;
                    while (e < lineEnd && (Flags(text[e]) & Mark) != 0)
                        e++;
                    EmitToken(k, e, spacelessToken: true);
                    k = e;
                    continue;
                }
                if (word < 0)
                    word = k;
                k += 2;
                continue;
            }
            if ((f & SplitPunct) != 0)
            {
                FlushWord(word, k);
                word = -1;
                if (c == '"')
                {
                    // NLTK writes an opening double quote as `` and a closing one as ''.
                    var opening = k == start || text[k - 1] is '(' or '[' or '{' or '<';
                    EmitSpecial(opening ? OpenQuoteHash : CloseQuoteHash, closing: !opening);
                    k++;
                }
                else if (c == '`')
                {
                    var e = k + 1;
                    while (e < lineEnd && text[e] == '`')
                        e++;
                    EmitToken(k, e, spacelessToken: false);
                    k = e;
                }
                else
                {
                    EmitToken(k, k + 1, spacelessToken: false);
                    k++;
                }
                continue;
            }
            switch (c)
            {
                case ',' or ':':
                    if (k + 1 < lineEnd && (Flags(text[k + 1]) & Digit) != 0)
                        break; // 1,000 and 2:30 stay whole
                    FlushWord(word, k);
                    word = -1;
                    EmitToken(k, k + 1, spacelessToken: false);
                    k++;
                    continue;
                case '.':
                {
                    var e = k + 1;
                    while (e < lineEnd && text[e] == '.')
                        e++;
                    if (e - k >= 2)
                    {
                        FlushWord(word, k);
                        word = -1;
                        EmitToken(k, e, spacelessToken: false); // an ellipsis
                        k = e;
                        continue;
                    }
                    var q = e;
                    while (q < lineEnd && text[q] is ']' or ')' or '}' or '>' or '"' or '\'')
                        q++;
                    if (ChunkGoesOn(q, lineEnd))
                    {
                        // Inside a word (U.S.-led, 3.5, example.com), or before a curly closing quote,
                        // which NLTK leaves on the word ("down.”") though the sentence ends there.
                        if (q == e && (Flags(text[q]) & Closing) != 0 && (Flags(text[q]) & SplitPunct) != 0)
                            _periodBeforeQuote = true;
                        break;
                    }
                    // The last period of the chunk: a sentence end unless it follows an abbreviation
                    // mid-line (then it stays part of the word, as "Mr." or "U.S.").
                    if (word >= 0 && IsAbbreviation(text.AsSpan(word, k - word)) && !RestIsBlank(q, lineEnd))
                        break;
                    FlushWord(word, k);
                    word = -1;
                    EmitToken(k, k + 1, spacelessToken: false);
                    k++;
                    continue;
                }
                case '-' when k + 1 < lineEnd && text[k + 1] == '-':
                {
                    FlushWord(word, k);
                    word = -1;
                    var e = k + 2;
                    while (e < lineEnd && text[e] == '-')
                        e++;
                    EmitToken(k, e, spacelessToken: false);
                    k = e;
                    continue;
                }
                case '\'' when word >= 0:
                {
                    var e = k + 1;
                    while (e < lineEnd && char.IsAsciiLetter(text[e]))
                        e++;
                    var atBoundary = !ChunkGoesOn(e, lineEnd) || text[e] is ',' or ':' or '.' or ';' or '\'' || (Flags(text[e]) & SplitPunct) != 0;
                    if (atBoundary && (e == k + 1 || IsClitic(text.AsSpan(k + 1, e - k - 1))))
                    {
                        // "Assad's" → Assad 's; "rebels'" → rebels '
                        FlushWord(word, k);
                        word = -1;
                        EmitToken(k, e, spacelessToken: false);
                        k = e;
                        continue;
                    }
                    break;
                }
            }
            if (word < 0)
                word = k;
            k++;
        }
        FlushWord(word, k);
        _lineC4Words += spacelessLetters > 0 ? spacelessLetters : 1;
        return k;
    }

    private static bool IsClitic(ReadOnlySpan<char> s) => s.Length switch
    {
        1 => s[0] is 's' or 'S' or 'm' or 'M' or 'd' or 'D',
        2 => s.Equals("ll", StringComparison.OrdinalIgnoreCase) || s.Equals("re", StringComparison.OrdinalIgnoreCase)
             || s.Equals("ve", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    private static bool IsAbbreviation(ReadOnlySpan<char> word) =>
        (word.Length == 1 && char.IsLetter(word[0])) // an initial
        || IsDottedAcronym(word)                       // U.S, e.g, p.m, J.J
        || (word.Length <= 6 && AbbreviationLookup.Contains(word));

    /// <summary>Letters in groups of one to three joined by periods: "U.S", "e.g", "Ph.D" (not "147.4").</summary>
    private static bool IsDottedAcronym(ReadOnlySpan<char> word)
    {
        if (!word.Contains('.'))
            return false;
        var group = 0;
        foreach (var c in word)
        {
            if (c == '.')
            {
                if (group == 0)
                    return false;
                group = 0;
            }
            else if (!char.IsLetter(c) || ++group > 3)
            {
                return false;
            }
        }
        return group > 0;
    }

    /// <summary>Ends the word token [start, end) if any; NLTK's "n't" comes off as a token of its own.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void FlushWord(int start, int end)
    {
        if (start < 0 || end <= start)
            return;
        if (_periodBeforeQuote)
        {
            _periodBeforeQuote = false;
            EmitToken(start, end, spacelessToken: false);
            _pendingBoundary = true;
            return;
        }
        if (end - start is >= 4 and <= 6 && ContractionSplit(_text.AsSpan(start, end - start)) is var cut and > 0)
        {
            EmitToken(start, start + cut, spacelessToken: false);
            EmitToken(start + cut, end, spacelessToken: false);
            return;
        }
        if (end - start > 3 && _text[end - 2] == '\'' && _text[end - 1] is 't' or 'T' && _text[end - 3] is 'n' or 'N'
            && _text[end - 4] != '\'')
        {
            EmitToken(start, end - 3, spacelessToken: false);
            EmitToken(end - 3, end, spacelessToken: false);
            return;
        }
        EmitToken(start, end, spacelessToken: false);
    }

    /// <summary>
    /// Where NLTK cuts the words it treats as contractions (cannot, gonna, gotta, wanna, gimme, lemme,
    /// d'ye, more'n, 'tis, 'twas), or 0.
    /// </summary>
    private static int ContractionSplit(ReadOnlySpan<char> w)
    {
        static bool Is(ReadOnlySpan<char> w, string s) => w.Equals(s, StringComparison.OrdinalIgnoreCase);
        return w.Length switch
        {
            4 => Is(w, "d'ye") ? 1 : Is(w, "'tis") ? 2 : 0,
            5 => Is(w, "gonna") || Is(w, "wanna") ? 3 : Is(w, "gotta") || Is(w, "gimme") || Is(w, "lemme") ? 3 : Is(w, "'twas") ? 2 : 0,
            6 => Is(w, "cannot") ? 3 : Is(w, "more'n") ? 4 : 0,
            _ => 0,
        };
    }

    private void EmitSpecial(ulong hash, bool closing)
    {
        if (_tokens == _tokHash.Length)
            EnsureTokenCapacity(_tokens + 1);
        _tokHash[_tokens] = hash;
        _tokLen[_tokens] = 2;
        _tokKind[_tokens] = 0;
        _tokStart[_tokens] = -1;
        _tokEnd[_tokens] = hash == OpenQuoteHash ? 0 : 1;
        _tokens++;
        _lineTokens++;
        if (!closing)
            NoteContent();
    }

    private void EmitToken(int start, int end, bool spacelessToken)
    {
        if (_tokens == _tokHash.Length)
            EnsureTokenCapacity(_tokens + 1);
        var text = _text;
        var hash = FnvOffset;
        ushort any = 0;        // union of the flags of the characters
        ushort all = 0xFFFF;   // intersection
        for (var k = start; k < end; k++)
        {
            var c = text[k];
            hash = (hash ^ c) * FnvPrime;
            var f = Flags(c);
            any |= f;
            all &= f;
        }
        var length = end - start;
        var letter = (any & Letter) != 0;
        if (_hasSurrogates)
        {
            for (var k = start + 1; k < end; k++)
            {
                if (!char.IsLowSurrogate(text[k]))
                    continue;
                length--;
                letter |= char.IsHighSurrogate(text[k - 1]) && Rune.IsLetter(new Rune(text[k - 1], text[k]));
            }
        }
        var nonSymbol = (all & DatatrovePunct) == 0; // some character is not punctuation
        _tokHash[_tokens] = Finish(hash);
        _tokLen[_tokens] = length;
        _tokKind[_tokens] = spacelessToken ? KindSpaceless : (byte)0;
        _tokStart[_tokens] = start;
        _tokEnd[_tokens] = end;
        _tokens++;
        _lineTokens++;
        if (letter)
            _alphaTokens++;
        if (nonSymbol)
        {
            _nonSymbolWords++;
            _nonSymbolChars += length;
            if (_stopWords is { Match: StopWordMatch.Token } list)
                CountStopWord(list, text.AsSpan(start, end - start));
        }

        // Sentence boundaries for C4: a sentence-final mark followed, after any closing quotes or
        // brackets, by more text on the line.
        if (end - start == 1 && (any & (SentenceEnd | Closing)) != 0)
        {
            if ((any & SentenceEnd) != 0)
                _pendingBoundary = true;
        }
        else
        {
            NoteContent();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void NoteContent()
    {
        if (_pendingBoundary)
        {
            _lineBoundaries++;
            _pendingBoundary = false;
        }
    }

    private void CountStopWord(StopWordList list, ReadOnlySpan<char> token)
    {
        int index;
        if (_englishStopWords)
        {
            // the be to of and that have with
            index = token.Length switch
            {
                2 => token[0] == 'b' && token[1] == 'e' ? 1 : token[0] == 't' && token[1] == 'o' ? 2 : token[0] == 'o' && token[1] == 'f' ? 3 : -1,
                3 => token.SequenceEqual("the") ? 0 : token.SequenceEqual("and") ? 4 : -1,
                4 => token.SequenceEqual("that") ? 5 : token.SequenceEqual("have") ? 6 : token.SequenceEqual("with") ? 7 : -1,
                _ => -1,
            };
        }
        else
        {
            index = list.IndexOf(token);
        }
        if (index < 0)
            return;
        _stopWordCount++;
        if (index < 64)
            _stopWordSeen |= 1UL << index;
        if (list.Words.Length > 64)
            _stopWordSeenLarge[index] = true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Finish(ulong h)
    {
        // murmur3's 64-bit finaliser: every input bit reaches every output bit
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCDUL;
        h ^= h >> 33;
        h *= 0xC4CEB9FE1A85EC53UL;
        h ^= h >> 33;
        return h;
    }

    private static ulong HashOf(string s)
    {
        var h = FnvOffset;
        foreach (var c in s)
            h = (h ^ c) * FnvPrime;
        return Finish(h);
    }

    /// <summary>Hash of a token sequence extended by one token (order matters).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Extend(ulong sequence, ulong token) => (BitOperations.RotateLeft(sequence, 27) ^ token) * 0x9E3779B97F4A7C15UL;
}
