using System.Collections.Frozen;
using IngestWorker.Text.Language;

namespace IngestWorker.Text.Extraction;

/// <summary>
/// The commonest function words of the languages our users scrape most, for judging whether a block
/// reads as prose (jusText's stopword density). A page's language is the language model's
/// (<see cref="Language"/>), or, when there is none or it is unsure, the one whose list covers most
/// of its words.
/// </summary>
public static class Stopwords
{
    private static readonly FrozenDictionary<string, FrozenSet<string>> Lists = new Dictionary<string, string>
    {
        ["en"] = "a about above after again against all also am an and any are as at be because been before being below between both but by can could did do does doing down during each few for from further had has have having he her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other our ours ourselves out over own said same she should so some such than that the their theirs them themselves then there these they this those through to too under until up very was we were what when where which while who whom why will with would you your yours yourself yourselves",
        ["de"] = "aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes auch auf aus bei bin bis bist da damit dann das dass dasselbe dazu dein deine dem den denn der des dessen dich die dies diese diesem diesen dieser dieses dir doch dort du durch ein eine einem einen einer eines einig er es etwas euch euer eure für gegen gewesen hab habe haben hat hatte hatten hier hin hinter ich ihm ihn ihnen ihr ihre im in indem ins ist jede jedem jeden jeder jedes jetzt kann kein keine können könnte man manche mein meine mich mir mit muss musste nach nicht nichts noch nun nur ob oder ohne sehr sein seine seit sich sie sind so solche soll sollte sondern sonst über um und uns unter vom von vor war waren warst was weil weiter welche wenn werde werden wie wieder will wir wird wirst wo wollen wurde würde zu zum zur zwar zwischen",
        ["fr"] = "à ai aie ait as au aucun aussi autre aux avait avant avec avez avoir ça ce ceci cela celle celui ces cet cette chaque ci comme comment dans de des deux doit donc dont du elle elles en encore entre est et été être eu fait faire il ils je jusqu la le les leur leurs lui ma mais me même mes moi mon ne ni nos notre nous on ont ou où par parce pas peu peut plus pour pourquoi qu quand que quel quelle qui sa sans se selon ses si son sont sous sur ta te tes toi ton tous tout toute toutes très tu un une vos votre vous",
        ["es"] = "a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante e el él ella ellas ellos en entre era es esa esas ese eso esos esta está están estas este esto estos fue fueron ha había han hasta hay la las le les lo los más me mi mucho muy nada ni no nos nosotros o otra otro otros para pero poco por porque que quien se sea según ser si sí sin sobre son su sus también tanto te tiene tienen todo todos tu un una uno unos y ya yo",
        ["it"] = "a abbiamo ad agli ai al alla alle allo anche avere aveva c che chi ci come con contro cui da dal dalla dei del della delle dello di dopo e è ed era gli ha hanno ho i il in io la le lei lo loro lui ma mi mia mio ne negli nei nel nella nelle no noi non nostro o per perché più poi quale quando quanto quella quelle quello questa queste questi questo se sei si sia siamo sono su sua sue sui sul sulla suo suoi tra tu tutti tutto un una uno vi voi",
        ["pt"] = "a ao aos as às até com como da das de dela dele deles depois do dos e é ela elas ele eles em entre era essa esse esta está estão este eu foi foram há isso isto já la lhe mais mas me mesmo meu minha muito na não nas nem no nos nós o os ou para pela pelas pelo pelos por qual quando que quem se sem ser seu seus só sua suas também te tem têm um uma umas uns você",
        ["nl"] = "aan al alles als altijd andere ben bij daar dan dat de der deze die dit doch doen door dus een eens en er ge geen geweest haar had heb hebben heeft hem het hier hij hoe hun iemand iets ik in is ja je kan kon kunnen maar me meer men met mij mijn moet na naar niet niets nog nu of om omdat onder ons ook op over reeds te tegen toch toen tot u uit uw van veel voor want waren was wat we wel werd wezen wie wij wil worden wordt zal ze zelf zich zij zijn zo zonder zou",
        ["ru"] = "а без более бы был была были было быть в вам вас весь во вот все всего всех вы где да даже для до его ее если есть еще же за здесь и из или им их к как ко когда кто ли либо меня мне может мы на над надо наш не него нее нет ни них но ну о об однако он она они оно от очень по под при с со так также такой там те тем то того тоже той только том ты у уже хотя чего чей чем что чтобы чье чья эта эти это я",
    }.ToFrozenDictionary(pair => pair.Key, pair => pair.Value.Split(' ').ToFrozenSet(StringComparer.Ordinal));

    public static IReadOnlyCollection<string> Languages => Lists.Keys;

    /// <summary>The stopword list of <paramref name="language"/> (ISO 639-1), or null when we have none.</summary>
    public static FrozenSet<string>? For(string? language) =>
        language is not null && Lists.TryGetValue(language, out var list) ? list : null;

    /// <summary>Below this the language model is unsure of a sample (names, a mix): the stopword guess decides instead.</summary>
    public const double MinModelConfidence = 0.5;

    /// <summary>
    /// The language of a sample of a page's lower-cased words: the model's when one is given and
    /// sure of it, otherwise <see cref="Guess"/>. Null when neither can tell.
    /// </summary>
    public static string? Language(IReadOnlyList<string> lowerCaseWords, ILanguageIdentifier? model)
    {
        if (model is not null && lowerCaseWords.Count > 0
            && model.Identify(string.Join(' ', lowerCaseWords), 1) is [var guess, ..] && guess.Confidence >= MinModelConfidence)
            return guess.Code;
        return Guess(lowerCaseWords);
    }

    /// <summary>The language whose stopwords cover most of <paramref name="lowerCaseWords"/>, or null when none covers any.</summary>
    public static string? Guess(IEnumerable<string> lowerCaseWords)
    {
        var hits = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var word in lowerCaseWords)
        {
            foreach (var (language, list) in Lists)
            {
                if (list.Contains(word))
                    hits[language] = hits.GetValueOrDefault(language) + 1;
            }
        }
        return hits.Count == 0 ? null : hits.MaxBy(pair => pair.Value).Key;
    }
}
