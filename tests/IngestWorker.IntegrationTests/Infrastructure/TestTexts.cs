using System.Security.Cryptography;
using System.Text;

namespace IngestWorker.IntegrationTests.Infrastructure;

/// <summary>
/// Small news-like articles that differ in their words, not only in numbers: the cleaner keeps them
/// as articles, site-template learning (which folds digits) does not see them as one repeated line,
/// and they pass the default quality rules (over 50 words, at least 5 sentences, stop words).
/// </summary>
internal static class TestTexts
{
    private static readonly string[] Places = ["Ashford", "Brampton", "Carlow", "Dunmore", "Elmstead", "Fairhaven", "Glenrock", "Hartwell", "Ivybridge", "Juniper Falls", "Kingsbury", "Larkfield", "Millbrook", "Northgate", "Oakridge", "Pinehurst", "Queensferry", "Redcliff", "Stonebridge", "Thornbury"];
    private static readonly string[] Subjects = ["the new library", "the harbour wall", "the bus depot", "the river bridge", "the school roof", "the market square", "the water plant", "the cycle lanes", "the town hall clock", "the old mill", "the football ground", "the railway crossing"];
    private static readonly string[] Actions = ["approved money for", "postponed work on", "asked for a review of", "voted to sell", "agreed to repair", "opened a consultation on", "rejected plans for", "set aside land for"];
    private static readonly string[] People = ["shopkeepers", "parents", "fishermen", "students", "pensioners", "nurses", "farmers", "bus drivers", "teachers", "volunteers"];
    private static readonly string[] Days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

    public static string Article(string key)
    {
        var random = new Random(BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes(key)), 0));
        string Pick(string[] words) => words[random.Next(words.Length)];
        var place = Pick(Places);
        var subject = Pick(Subjects);
        var text = new StringBuilder();
        text.Append($"{place} council {Pick(Actions)} {subject}\n\n");
        text.Append($"Councillors in {place} {Pick(Actions)} {subject} on {Pick(Days)}, after a meeting in which {Pick(People)} and {Pick(People)} spoke for and against the idea for more than two hours.\n\n");
        text.Append($"The leader of the council said the decision about {subject} was not an easy one, and that {Pick(People)} in {Pick(Places)} would be asked for their views before the end of the year.\n\n");
        text.Append($"A spokesperson for the {Pick(People)} of {place} told reporters that they would keep watching what happens to {Pick(Subjects)} as well. ");
        text.Append($"Local {Pick(People)} have argued about the plan since the spring. Some of them want a public vote.\n\n");
        // Every line varies in several words: a line shared by four documents of a folder would be
        // learned as its template, and copies processed before and after that would differ.
        text.Append($"The next meeting about {subject} is on {Pick(Days)}, and {Pick(People)} who live in {place} may speak there.\n");
        return text.ToString();
    }
}
