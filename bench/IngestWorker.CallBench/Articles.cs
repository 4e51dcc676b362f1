using System.Security.Cryptography;
using System.Text;

/// <summary>
/// Local-news articles of about 3 KB, different for every name. Each draws 26 of 36 sentence frames
/// in its own order and fills every frame's gaps from word lists, so that (1) no two share a
/// paragraph (a folder's shared lines would be learnt as its template and removed), (2) no two are
/// near duplicates (shared frames are a minority of each one's 5-word shingles), and (3) each passes
/// the quality stage's repetition rules (no frame twice in one article). The 1 KB articles of
/// <see cref="BenchSupport.Article"/> are the same idea, smaller.
/// </summary>
internal static class Articles
{
    private static readonly string[] Places = ["Ashford", "Brampton", "Carlow", "Dunmore", "Elmstead", "Fairhaven", "Glenrock", "Hartwell", "Ivybridge", "Kingsbury", "Larkfield", "Millbrook", "Northgate", "Oakridge", "Pinehurst", "Redcliff", "Saltash", "Thornbury", "Upton", "Westerleigh"];
    private static readonly string[] Subjects = ["the new library", "the harbour wall", "the bus depot", "the river bridge", "the school roof", "the market square", "the water plant", "the cycle lanes", "the old mill", "the railway crossing", "the swimming pool", "the town hall clock", "the ring road", "the allotments"];
    private static readonly string[] Actions = ["approved money for", "postponed work on", "asked for a review of", "voted to sell", "agreed to repair", "rejected plans for", "called for a survey of", "delayed a decision on"];
    private static readonly string[] People = ["shopkeepers", "parents", "fishermen", "students", "pensioners", "nurses", "farmers", "teachers", "cyclists", "bus drivers", "landlords", "volunteers"];
    private static readonly string[] Surnames = ["Ellison", "Marsh", "Okafor", "Pritchard", "Haddad", "Lindqvist", "Moreau", "Baxter", "Achterberg", "Quigley", "Novak", "Fairweather", "Tanaka", "Delacroix", "Whitlock", "Brennan"];
    private static readonly string[] Organisations = ["residents' association", "chamber of commerce", "civic society", "county heritage trust", "rotary club", "parish council", "local transport board", "river trust"];
    private static readonly string[] Days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];
    private static readonly string[] Months = ["January", "March", "April", "June", "September", "October", "November"];
    private static readonly string[] Jobs = ["retired engineer", "primary school teacher", "baker", "taxi driver", "pharmacist", "carpenter", "church warden", "solicitor"];
    private static readonly string[] Opinions = ["overdue", "reckless", "sensible but expensive", "a good start", "rushed", "far too timid", "the best of a bad set of choices"];
    private static readonly string[] Landmarks = ["the cathedral", "the quayside", "the leisure centre", "the old post office", "the football ground", "the covered market", "the hospital car park", "the war memorial"];
    private static readonly string[] Weather = ["storms", "floods", "the long frost", "a summer of drought", "gales from the west"];
    private static readonly string[] Relatives = ["father", "grandmother", "neighbour", "late husband", "sister", "uncle"];
    private static readonly string[] Sizes = ["modest", "generous", "tight", "larger than last year", "smaller than promised"];

    private static readonly Func<Fill, string>[] Frames =
    [
        f => $"Councillors in {f.Pick(Places)} {f.Pick(Actions)} {f.Pick(Subjects)} after {f.Pick(People)} and {f.Pick(People)} spoke at a long meeting on {f.Pick(Days)} evening.",
        f => $"The debate went on until after ten o'clock, and {f.Pick(Surnames)}, who chairs the {f.Pick(Organisations)}, asked for calm more than once.",
        f => $"The leader of the council said that {f.Pick(People)} would be consulted again about {f.Pick(Subjects)} before any money is spent.",
        f => $"No date has been set for a final vote, {f.Pick(People)} were told, although officers hope to report back by {f.Pick(Months)}.",
        f => $"Several {f.Pick(People)} from {f.Pick(Places)} said they had waited years for a decision on {f.Pick(Subjects)}.",
        f => $"Others feared that the cost of {f.Pick(Subjects)} would fall on {f.Pick(People)} who already pay more than their neighbours in {f.Pick(Places)}.",
        f => $"A report prepared for the meeting found that {f.Pick(Subjects)} needed urgent work within the next {f.Number(3, 30)} months.",
        f => $"Its authors, engineers from {f.Pick(Places)}, warned that delays would only make repairs to {f.Pick(Subjects)} more expensive.",
        f => $"{f.Pick(Surnames)}, a {f.Pick(Jobs)} who has lived in {f.Pick(Places)} for many years, described the plans as {f.Pick(Opinions)}.",
        f => $"She told the meeting that her {f.Pick(Relatives)} had written to the {f.Pick(Organisations)} about {f.Pick(Subjects)} long before anyone listened.",
        f => $"Opposition members argued that the money should go to {f.Pick(Subjects)} instead, pointing to complaints from {f.Pick(People)}.",
        f => $"The {f.Pick(Organisations)} said in a statement on {f.Pick(Days)} that it would study the proposals carefully before taking a position.",
        f => $"Traffic around {f.Pick(Landmarks)} was heavier than usual as {f.Pick(People)} arrived, and some had to stand at the back of the hall.",
        f => $"A petition signed by residents of {f.Pick(Places)} and {f.Pick(Places)} was handed to the clerk before the meeting began.",
        f => $"Council staff estimate that the work would take several weeks and close {f.Pick(Landmarks)} to cars for part of that time.",
        f => $"Local businesses near {f.Pick(Landmarks)} are worried about losing trade while the work goes on, according to {f.Pick(Surnames)}.",
        f => $"The chair of the finance committee, {f.Pick(Surnames)}, said the budget for {f.Pick(Subjects)} was {f.Pick(Sizes)} and could not be stretched further.",
        f => $"Questions about {f.Pick(Subjects)} were left for a later session because the hall near {f.Pick(Landmarks)} had to be empty by eleven.",
        f => $"Residents who missed the meeting can read the papers online or ask for a copy at the library in {f.Pick(Places)}.",
        f => $"Last winter {f.Pick(Weather)} caused damage to {f.Pick(Subjects)}, and insurers paid only part of the bill.",
        f => $"Young {f.Pick(People)} from {f.Pick(Places)} asked councillors to think about how {f.Pick(Subjects)} would look in twenty years.",
        f => $"The county's own plan for {f.Pick(Places)} is due to be published in {f.Pick(Months)}, and may change the picture again.",
        f => $"Some speakers asked why the {f.Pick(Organisations)} had not been invited to present its figures to {f.Pick(People)} in person.",
        f => $"{f.Pick(Surnames)} ended the evening by thanking {f.Pick(People)} for their patience and promising a clearer timetable.",
        f => $"The next public meeting is planned for {f.Pick(Months)}, when {f.Pick(People)} and {f.Pick(People)} can give their views again.",
        f => $"Police officers from {f.Pick(Places)} were present but described the evening as good-natured, with only a few raised voices.",
        f => $"Figures shown on the screen suggested that {f.Pick(Subjects)} is used by more {f.Pick(People)} than anyone had guessed.",
        f => $"A similar scheme in {f.Pick(Places)} went over budget by a third, a point made again and again by {f.Pick(People)}.",
        f => $"Supporters replied that doing nothing would cost more, because {f.Pick(Subjects)} is already failing its inspections.",
        f => $"The meeting heard that grants from the {f.Pick(Organisations)} might cover part of the cost if {f.Pick(Surnames)} applies quickly.",
        f => $"Parking near {f.Pick(Landmarks)} has been a sore point for {f.Pick(People)} since the old car park in {f.Pick(Places)} was sold.",
        f => $"An independent adviser, {f.Pick(Surnames)}, told the committee that the figures for {f.Pick(Subjects)} had been checked twice.",
        f => $"Nobody on the committee could say when {f.Pick(Subjects)} was last repaired, and the minutes from {f.Pick(Months)} were not much help.",
        f => $"Families in {f.Pick(Places)} who rely on {f.Pick(Subjects)} said a long closure would make their mornings much harder.",
        f => $"The {f.Pick(Organisations)} has offered to run a public exhibition about {f.Pick(Subjects)} near {f.Pick(Landmarks)} over the summer.",
        f => $"Letters sent to the local paper from {f.Pick(People)} in {f.Pick(Places)} were read aloud, to applause from the back rows.",
    ];

    private const int SentencesPerArticle = 26;
    private const int SentencesPerParagraph = 3;

    public static string Article(string name)
    {
        var fill = new Fill(new Random(BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes(name)), 0)));
        var text = new StringBuilder();
        text.Append($"{fill.Pick(Places)} council {fill.Pick(Actions)} {fill.Pick(Subjects)}\n\n");
        var order = Enumerable.Range(0, Frames.Length).OrderBy(_ => fill.Random.Next()).Take(SentencesPerArticle).ToList();
        for (var i = 0; i < order.Count; i++)
        {
            text.Append(Frames[order[i]](fill));
            text.Append((i + 1) % SentencesPerParagraph == 0 ? "\n\n" : " ");
        }
        return text.ToString();
    }

    internal sealed class Fill(Random random)
    {
        public Random Random => random;

        public string Pick(string[] words) => words[random.Next(words.Length)];

        public int Number(int min, int max) => random.Next(min, max + 1);
    }
}
