using static IngestWorker.Text.Cleaning.BoilerplateLexicon;

namespace IngestWorker.Text.Cleaning;

/// <summary>
/// The phrase lists of <see cref="BoilerplateLexicon"/>: the words and phrases of site chrome in the
/// languages we see most, in <see cref="LineKey"/> form unless a list says otherwise. A type of its
/// own so that the lists are initialised before the lexicon's indexes are built from them, whatever
/// the order of files.
/// </summary>
internal static class BoilerplatePhrases
{
    internal static readonly string[] HardMarkers = Set(
        // en
        "comments", "comment", "leave a comment", "leave a reply", "post a comment", "add a comment", "add comment",
        "write a comment", "show comments", "view comments", "load comments", "see comments", "read comments",
        "top rated comments", "top comments", "reader comments", "readers comments", "join the discussion",
        "join the conversation", "comments are closed", "be the first to comment", "have your say", "discussion",
        "leave a comment cancel reply", "leave a reply cancel reply", "cancel reply", "responses", "comment on this story",
        "comments for this thread are now closed", "please enable javascript to view comments", "conversation",
        "your email address will not be published", "post comment", "submit comment", "page not found",
        "the page you requested could not be found", "404",
        // de, fr, es, it, pt, nl
        "kommentare", "kommentar", "kommentar schreiben", "kommentieren", "leserkommentare",
        "commentaires", "commentaire", "laisser un commentaire", "réagir", "ajouter un commentaire",
        "comentarios", "comentario", "deja un comentario", "dejar un comentario", "deja tu comentario",
        "commenti", "commento", "lascia un commento", "lascia un commento annulla risposta", "commenta",
        "comentários", "comentário", "deixe um comentário", "deixe seu comentário", "comente", "deixe uma resposta",
        "reacties", "reactie", "reageer", "laat een reactie achter", "plaats een reactie",
        // ru, id, ja, ko, zh
        "комментарии", "комментарий", "оставить комментарий", "добавить комментарий", "обсуждение",
        "komentar", "tinggalkan komentar", "tinggalkan balasan", "コメント", "コメントする", "댓글", "评论", "发表评论");

    internal static readonly string[] SoftMarkers = Set(
        // related / recommended / trending (en)
        "related", "related articles", "related stories", "related news", "more related news", "related posts",
        "related content", "related topics", "related links", "related coverage", "related tags", "related reading",
        "related video", "related videos", "related items", "related pages", "related searches", "read related",
        "you may also like", "you might also like", "you may like", "you might like", "you may also be interested in",
        "you might be interested in", "we recommend", "recommended", "recommended for you", "recommended stories",
        "recommended articles", "recommended reading", "recommended videos", "more news", "more stories",
        "more articles", "more videos", "more to explore", "more on this story", "more on this topic",
        "read next", "read these next", "what to read next", "up next", "next up", "watch next",
        "trending", "trending now", "trending news", "trending stories", "trending articles", "most popular",
        "most read", "most viewed", "most shared", "most commented", "most emailed", "popular", "popular posts",
        "popular stories", "popular now", "top stories", "latest news", "latest stories", "latest articles",
        "latest headlines", "latest", "don t miss", "dont miss", "see also", "also read", "read also", "read more",
        "further reading", "explore further", "in other news", "around the web", "from the web", "sponsored stories",
        "promoted stories", "paid content", "partner content", "from our partners", "you may have missed",
        "editor s picks", "editors picks", "top picks", "in case you missed it", "also on", "elsewhere on the web",
        "more from our network", "recent posts", "recent articles", "recent stories", "previous post", "next post",
        "other stories", "you might also enjoy", "keep reading", "related roundup", "more coverage",
        // share bars
        "share", "share this", "share this article", "share this story", "share this post", "share this page",
        "sharing is caring", "share on", "share via", "share article", "share the story", "share it", "spread the word",
        "like this article", "did you like this article", "was this article helpful", "rate this article",
        "share on facebook", "share on twitter", "share or comment on this article", "share this with",
        // newsletters and sign-ups
        "newsletter", "newsletters", "sign up for our newsletter", "subscribe to our newsletter", "get our newsletter",
        "join the mailing list", "join our mailing list", "daily newsletter", "email newsletter", "weekly newsletter",
        "sign up for newsletters", "stay informed", "stay up to date", "get the latest news", "breaking news emails",
        // tags and filing
        "tags", "tag", "topics", "filed under", "categories", "category", "posted in", "keywords", "topic",
        "explore more on these topics", "more about", "related subjects",
        // author box
        "about the author", "about the authors", "more by this author", "more from this author", "author",
        "about this author", "author information",
        // de
        "ähnliche artikel", "verwandte artikel", "weitere artikel", "weitere beiträge zum thema", "mehr zum thema",
        "das könnte sie auch interessieren", "auch interessant", "empfehlungen", "meistgelesen", "teilen",
        "schlagworte", "themen", "weitere nachrichten", "lesen sie auch", "passend zum thema", "über den autor",
        // fr
        "articles similaires", "articles liés", "à lire aussi", "a lire aussi", "lire aussi", "sur le même sujet",
        "vous aimerez aussi", "les plus lus", "partager", "mots clés", "voir aussi", "à voir aussi", "sur le meme sujet",
        "à lire également", "dans la même rubrique",
        // es
        "artículos relacionados", "noticias relacionadas", "te puede interesar", "también te puede interesar",
        "lo más leído", "más noticias", "compartir", "etiquetas", "ver también", "lee también", "te recomendamos",
        // it
        "articoli correlati", "potrebbe interessarti", "ti potrebbe interessare", "leggi anche", "più letti",
        "condividi", "potrebbero interessarti", "notizie correlate", "ultime notizie", "articoli recenti",
        // pt
        "artigos relacionados", "notícias relacionadas", "posts relacionados", "leia também", "veja também",
        "você também pode gostar", "mais lidas", "compartilhe", "compartilhar", "matérias relacionadas",
        "leia mais", "posts recentes",
        // nl
        "gerelateerde artikelen", "lees ook", "meer nieuws", "delen", "meest gelezen", "gerelateerd",
        // ru
        "похожие статьи", "похожие материалы", "читайте также", "смотрите также", "вам также может быть интересно",
        "материалы по теме", "популярное", "поделиться", "теги", "другие новости", "новости по теме", "рекомендуем",
        "читайте также на", "самое популярное", "по теме",
        // id, ja, ko, zh
        "artikel terkait", "baca juga", "berita terkait", "bagikan", "tulisan terkait",
        "関連記事", "こちらの記事も合わせてどうぞ", "人気記事", "おすすめ記事", "関連ニュース",
        "관련기사", "관련 기사", "많이 본 뉴스", "추천 기사", "인기 기사",
        "相关文章", "相关新闻", "热门文章", "推荐阅读", "相关阅读");

    /// <summary>Openings of a marker line that names a section of its own ("More from Politics", "Related Roundup: …").</summary>
    internal static readonly string[] SoftMarkerPrefixes =
    [
        "related ", "more from ", "more in ", "more on ", "more stories from ", "latest from ", "more great ",
        "also on ", "other stories ", "more by ", "trending in ", "popular in ", "recommended by ", "tags ", "tag ",
        "topics ", "filed under ", "more about ", "sponsored by ", "around the ", "from around the ", "об авторе",
    ];

    /// <summary>Endings of a marker line ("More WIRED Stories", "Top News: Latin America" is not one).</summary>
    internal static readonly string[] SoftMarkerSuffixes = [" stories", " news", " articles", " headlines", " videos", " posts"];

    internal static readonly string[] InterfacePhrases = Set(
        "advertisement", "advertising", "advertisements", "ad", "ads", "sponsored", "sponsored content", "promoted",
        "continue reading", "continue reading below", "continue reading the main story", "story continues below",
        "story continues below advertisement", "article continues below", "article continues after advertisement",
        "read more", "read full article", "read the full story", "read full story", "read the original article",
        "show more", "load more", "see more", "view more", "click here", "click to expand", "tap to expand",
        "print", "email", "e mail", "send in e mail", "send by e mail", "tweet", "pin", "pin it", "copy link",
        "copied", "link copied", "copy", "close", "menu", "search", "log in", "login", "sign in", "sign up", "subscribe",
        "register", "skip to main content", "skip to content", "skip to navigation", "skip navigation",
        "skip to content skip to site index", "back to top", "return to top", "scroll back to top", "scroll to top", "top",
        "next", "previous", "prev", "next article", "previous article", "back", "go back", "home", "reply", "report",
        "like", "follow", "video", "photo", "photos", "image", "images", "enlarge", "enlarge this image", "zoom", "play",
        "watch", "listen", "download", "loading", "report error", "give feedback", "feedback", "page not found",
        "cancel reply", "view results", "vote", "toggle navigation", "open menu", "close menu", "expand", "collapse",
        "more", "less", "view all", "see all", "get the app", "caption", "back to gallery", "previous image",
        "next image", "fullscreen", "full screen", "hide caption", "toggle caption", "show caption", "enable javascript",
        "media playback is unsupported on your device", "these are external links and will open in a new window",
        "close share panel", "read more about sharing", "get short url", "view pdf print mode", "print mode",
        "logo", "logo return to top", "watch live", "live", "listen to this article", "audio", "play video",
        "watch video", "watch the video", "opens in a new window", "external link", "view gallery", "view slideshow",
        "replay", "mute", "unmute", "settings", "share :", "shares", "views", "likes", "followers", "bookmark", "save",
        "saved", "save article", "save for later", "add to favorites", "favorite", "open in app", "translate",
        "text size", "font size", "a a", "aa", "listen now", "accept", "accept cookies", "got it", "ok", "dismiss",
        "please wait", "loading comments", "no comments", "write", "edit", "delete", "quote", "permalink",
        "share permalink", "print this article", "email this article", "send to a friend", "email to a friend",
        "download pdf", "download article", "view pdf", "thanks for signing up", "thank you", "submit", "send",
        "sending", "required", "optional", "name", "website", "your name", "your email", "email address",
        "page not found", "error", "not found", "sponsored links", "paid post", "ad feedback", "ad choices", "adchoices",
        "advertise with us", "close ad", "remove ads", "skip ad", "continue", "start", "stop", "pause",
        // de, fr, es, it, pt, nl, ru, id, ko, ja
        "werbung", "anzeige", "drucken", "weiterlesen", "mehr lesen", "zurück", "zurück zur übersicht", "schließen",
        "publicité", "imprimer", "lire la suite", "fermer", "retour", "publicidad", "imprimir", "leer más", "cerrar",
        "volver", "pubblicità", "stampa", "leggi tutto", "leggi di più", "chiudi", "torna su", "publicidade",
        "fechar", "voltar", "advertentie", "lees meer", "sluiten", "реклама", "читать далее", "подробнее",
        "печать", "закрыть", "назад", "фото", "видео", "iklan", "selengkapnya", "뒤로가기", "인쇄하기", "목록",
        "広告", "戻る", "印刷");

    /// <summary>
    /// Words that make up interface lines ("Share on: Facebook Twitter Reddit Google+"): a short line
    /// made only of these is a button row.
    /// </summary>
    internal static readonly string[] InterfaceWords = Set(
        "share", "shares", "sharing", "print", "email", "mail", "e", "tweet", "retweet", "facebook", "twitter",
        "linkedin", "reddit", "pinterest", "whatsapp", "telegram", "flipboard", "pocket", "tumblr", "mix", "vk",
        "messenger", "instagram", "youtube", "google", "blogger", "stumbleupon", "digg", "delicious", "xing", "line",
        "viber", "snapchat", "tiktok", "sms", "comments", "comment", "reply", "like", "likes", "follow", "subscribe",
        "login", "log", "sign", "in", "up", "out", "read", "more", "next", "previous", "prev", "back", "top", "to",
        "this", "article", "story", "post", "page", "on", "via", "it", "link", "copy", "copied", "close", "menu",
        "search", "skip", "content", "main", "view", "all", "see", "show", "hide", "save", "bookmark", "download",
        "app", "home", "the", "and", "or", "a", "url", "short", "get", "pdf", "permalink", "embed", "send", "friend",
        "open", "new", "window", "tab", "plus", "x", "feed", "rss", "newsletter", "options", "sharing", "icon",
        "whatsapp", "gmail", "outlook", "yahoo", "copy", "clipboard", "teilen", "drucken", "partager", "imprimer",
        "compartir", "imprimir", "condividi", "stampa", "compartilhar", "compartilhe", "delen", "поделиться",
        "печать", "bagikan", "ok", "odnoklassniki", "weibo", "wechat", "qq", "kakao", "naver", "band");

    /// <summary>Promotions: newsletters, apps, subscriptions, follow-us prompts.</summary>
    internal static readonly Needles PromotionNeedles = new(
    [
        "newsletter", "subscribe", "subscription", "sign up", "signup", "sign-up", "your inbox",
        "click here", "clicking here", "tap here", "download the", "get the app", "our app", " app store", "google play",
        "follow us", "join us on", "like us on", "find us on", "connect with us", "mailing list", "membership",
        "become a member", "support our journalism", "support independent journalism", "free trial", "premium",
        "podcast", "youtube channel", "on youtube", "notifications", "push alerts", "breaking news alerts",
        "abonnieren", "anmelden", "abonnez", "inscrivez", "suscríbete", "suscribete", "suscríbase", "boletín",
        "iscriviti", "abbonati", "assine", "inscreva", "receba em seu email", "receba em seu e-mail", "подпишитесь",
        "подписаться", "рассылк", "berlangganan", "구독", "購読", "订阅",
    ]);

    /// <summary>Copyright, cookie and privacy notices, terms.</summary>
    internal static readonly Needles LegalNeedles = new(
    [
        "copyright", "all rights reserved", "privacy policy", "privacy notice", "terms of use", "terms of service",
        "terms and conditions", "cookie policy", "uses cookies", "use of cookies", "use cookies", "cookie settings",
        "may not be published, broadcast", "may not be reproduced", "may not be republished", "protected by recaptcha",
        "your california privacy rights", "do not sell my", "interest based ads", "alle rechte vorbehalten",
        "tous droits réservés", "todos los derechos reservados", "tutti i diritti riservati",
        "todos os direitos reservados", "все права защищены", "무단전재", "無断転載", "版权所有", "subject to copyright",
        "fair dealing for the purpose", "editorial guidelines", "our standards:", "trust principles",
    ]);

    /// <summary>Caption and photo-credit signals.</summary>
    internal static readonly Needles CreditNeedles = new(
    [
        "photo:", "photo by", "photos:", "photograph:", "photograph by", "image:", "image copyright", "image caption",
        "media caption", "credit:", "credit...", "credits:", "(image:", "(photo:", "(photo by", "ap photo", "afp photo",
        "reuters/", "/reuters", "getty images", "/getty", "shutterstock", "/ap", "| ap", "via ap", "/afp", "| afp",
        "epa/", "/epa", "istock", "file photo", "photo illustration", "illustration:", "illustration by",
        "courtesy of", "(courtesy", "picture:", "pictured", "bild:", "foto:", "fotó:", "фото:", "фото ", "사진=",
        "[사진", "写真", "(foto", "crédito:", "crédit photo", "crédits photo", "photo credit", "image credit",
        "images)", "photo)", "/ ap", "press association", "pa wire", "pa images", "alamy", "wikimedia commons",
        "unsplash", "(image credit", "image source", "source: getty", "stock photo", "stock image",
    ]);

    /// <summary>Line openings that make a caption on their own.</summary>
    internal static readonly string[] CaptionPrefixes =
    [
        "image caption", "media caption", "caption", "photo", "photos", "photograph", "image", "picture", "pictured",
        "credit", "image copyright", "file", "foto", "фото", "bild", "illustration",
        "above", "top", "main image", "header image", "featured image", "in this photo", "in this file photo",
        "in this image", "this photo", "this image",
    ];

    /// <summary>Openings of one-line teasers for another article ("READ MORE: …", "Related: …").</summary>
    internal static readonly string[] TeaserPrefixes =
    [
        "read more", "read also", "also read", "related", "see also", "more", "watch", "listen", "recommended",
        "don t miss", "dont miss", "must read", "must see", "trending", "popular", "previously", "read next", "next",
        "previous", "prev", "up next", "more on this", "more from", "click here", "lire aussi", "à lire", "a lire",
        "voir aussi", "lesen sie auch", "mehr zum thema", "leia também", "leia mais", "veja também", "lee también",
        "leer más", "ver también", "leggi anche", "читайте также", "смотрите также", "baca juga", "lees ook",
    ];

    /// <summary>Openers of a byline ("By Jane Doe", "Von …", "Par …").</summary>
    internal static readonly string[] BylineOpeners =
    [
        "by ", "von ", "par ", "por ", "di ", "door ", "от ", "автор ", "text ", "текст ", "words by ", "written by ",
        "reporting by ", "posted by ", "published by ", "story by ", "interview by ", "oleh ", "글 ", "기자 ",
    ];

    /// <summary>Roles an author bio or byline names.</summary>
    internal static readonly Needles RoleNeedles = new(
    [
        "reporter", "writer", "editor", "correspondent", "columnist", "contributor", "journalist", "curator",
        "author", "producer", "staff", "freelance", "contributing", "news service", "associated press", "redakteur",
        "journaliste", "periodista", "giornalista", "jornalista", "корреспондент", "журналист", "기자", "記者",
    ]);

    /// <summary>Credits below an article: "Reporting by …", "… contributed to this report".</summary>
    internal static readonly Needles CreditLineNeedles = new(
    [
        "contributed to this report", "contributed reporting", "contributed to this story", "reporting by",
        "additional reporting", "editing by", "writing by", "compiled by", "edited by", "with reporting from",
        "contributed to this article", "have a tip?", "may be reached at", "can be reached at", "is a reporter for",
        "is a staff writer", "is a senior writer", "is a contributing writer", "is a freelance", "follow him on twitter",
        "follow her on twitter", "follow them on twitter",
    ]);

    /// <summary>Interface words that say nothing alone: a row of only these is not a button row.</summary>
    internal static readonly string[] FillerWords =
    [
        "the", "to", "on", "in", "a", "and", "or", "this", "it", "via", "up", "out", "more", "read", "page", "post",
        "story", "article", "new", "open", "all", "e", "x", "plus", "log", "sign", "see", "show", "view", "get", "short",
        "main", "content", "top", "back", "next", "line", "band", "mix", "pocket", "friend", "window", "tab", "app",
        "home", "feed", "options", "icon", "link", "send", "save", "like", "follow",
    ];

    /// <summary>Promotion phrases that are promotions in any line: nobody reports news in these words.</summary>
    internal static readonly Needles StrongPromotionNeedles = new(
    [
        "newsletter", "your inbox", "click here", "clicking here", "tap here", "follow us",
        "download the app", "get the app", "mailing list", "youtube channel", "sign up for", "subscribe to",
        "subscribe now", "subscribe today", "join us on", "like us on", "find us on", "connect with us",
        "support our journalism", "support independent journalism", "become a member", "breaking news alerts",
        "receba em seu", "подпишитесь",
    ]);

    /// <summary>Verbs that open a call to action ("Subscribe to …", "Download the app", "Want more? …").</summary>
    internal static readonly string[] CallsToAction =
    [
        "subscribe", "sign up", "join", "follow", "download", "get ", "click", "like us", "want ", "support",
        "become", "listen", "watch", "try ", "register", "don't miss", "do you", "never miss", "stay ", "receive",
        "receba", "baixe", "assine", "inscreva", "abonnez", "inscrivez", "suscríbete", "iscriviti", "abonnieren",
    ];

    /// <summary>Openings of instructions about the page itself ("Click on the player above …").</summary>
    internal static readonly string[] InterfaceVerbs =
    [
        "click ", "tap ", "scroll ", "swipe ", "press play", "hover ", "please enable", "enable javascript",
        "use the arrows", "please note: this", "klicken sie", "cliquez", "haga clic", "clicca", "clique ",
        "нажмите",
    ];

    internal static readonly string[] AuthorBoxOpeners = ["About ", "Sobre ", "Über ", "À propos de ", "A proposito di ", "Over ", "Tentang "];

    private static string[] Set(params string[] phrases) => phrases.Distinct(StringComparer.Ordinal).ToArray();
}
