namespace IngestWorker.Text.Decoding;

/// <summary>How the input bytes became text, recorded so that no decoding guess is silent.</summary>
/// <param name="Encoding">The WHATWG-style name of the encoding used, e.g. <c>utf-8</c>, <c>windows-1252</c>.</param>
/// <param name="ByteOrderMark">Whether the input started with a byte-order mark.</param>
/// <param name="Detected">True when the encoding was guessed from the bytes rather than known from a BOM or strict UTF-8 validity.</param>
/// <param name="Confidence">For a detected encoding, how clearly it beat the alternatives (0–1).</param>
/// <param name="MojibakeRepaired">Mis-decoded UTF-8 sequences found in the text and turned back into their characters (<see cref="MojibakeRepair"/>).</param>
public sealed record DecodingResult(string Encoding, bool ByteOrderMark, bool Detected, double? Confidence = null, int MojibakeRepaired = 0);
