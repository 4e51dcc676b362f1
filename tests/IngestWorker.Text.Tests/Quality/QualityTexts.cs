namespace IngestWorker.Text.Tests.Quality;

/// <summary>
/// Texts for the quality tests: cleaned articles in Chinese, Japanese and Thai (written for these
/// tests), kinds of junk a scraper brings home, and a short but real news brief.
/// </summary>
internal static class QualityTexts
{
    /// <summary>A Chinese news article (the opening of a metro line), about 530 characters in five paragraphs.</summary>
    public const string Chinese = """
新华社上海3月12日电 上海地铁十八号线二期工程今天上午正式开通运营，市民乘坐地铁从浦东国际机场前往市中心的时间将缩短约二十分钟。据上海申通地铁集团介绍，新开通的线路全长约十五公里，共设车站九座，其中三座为换乘站，可与二号线、十号线和十四号线实现站内换乘。

开通首日，不少市民早早来到车站体验。家住浦东新区的王女士说，过去她每天上班需要换乘两次公交车，单程将近一个半小时，现在坐地铁只要四十分钟左右。“车厢宽敞明亮，发车也很准时，我以后会天天坐地铁上班。”

据了解，十八号线二期工程于二〇一九年开工建设，施工期间克服了软土地基、地下管线密集等多项技术难题。工程负责人表示，为了减少对沿线居民生活的影响，施工单位采用了低噪音盾构设备，并在夜间严格控制作业时间。

交通专家认为，新线路的开通将进一步完善浦东地区的轨道交通网络，缓解地面道路的交通压力，也有助于带动沿线区域的商业发展。上海市交通委员会表示，今年全市还将有两条新线路建成通车，到年底全市轨道交通运营总里程有望突破九百公里。

记者在现场看到，各车站均设有无障碍电梯和母婴室，站厅内的电子屏幕实时显示列车到站信息。地铁公司提醒乘客，开通初期客流较大，请大家有序排队、文明乘车，并关注官方发布的运营调整通知。
""";

    /// <summary>A Japanese news article (heavy snow on the Sea of Japan side), about 540 characters in five paragraphs.</summary>
    public const string Japanese = """
気象庁によりますと、強い寒気の影響で、日本海側を中心に十四日にかけて大雪となる見込みです。新潟県や富山県の山沿いでは、多いところで二十四時間に八十センチの降雪が予想されており、気象庁は交通機関への影響や路面の凍結に十分注意するよう呼びかけています。

新潟市内では十三日朝から雪が降り続き、市の中心部でも積雪が三十センチを超えました。通勤時間帯には、バスの運行に最大で一時間ほどの遅れが出たほか、一部の小学校では始業時間を遅らせる措置がとられました。駅前で除雪作業をしていた六十代の男性は「ここまで一度に降るのは久しぶりだ。朝から三回も雪かきをしている」と話していました。

JR東日本によりますと、上越新幹線は午前中、一部の列車で運転を見合わせましたが、午後には通常の運行に戻りました。一方、高速道路では関越自動車道の一部区間が通行止めとなり、国土交通省は不要不急の外出を控えるよう求めています。

気象庁は、十五日以降も寒気の流れ込みが続くとして、今後の気象情報に注意するよう話しています。

県内の各自治体は、除雪車を増やして幹線道路の除雪を急いでいます。また、高齢者の住宅では屋根の雪下ろしの際の事故が心配されることから、作業は必ず二人以上で行い、命綱を使うよう呼びかけています。
""";

    /// <summary>A Thai news article (fine dust in Bangkok), about 820 characters; sentences end with spaces, paragraphs without punctuation.</summary>
    public const string Thai = """
กรุงเทพมหานครเปิดเผยว่า ในช่วงสัปดาห์ที่ผ่านมา ค่าฝุ่นละอองขนาดเล็ก PM2.5 ในหลายพื้นที่ของกรุงเทพฯ เกินค่ามาตรฐานติดต่อกันเป็นวันที่ห้า โดยเขตที่มีค่าฝุ่นสูงที่สุดได้แก่ เขตบางขุนเทียน เขตหนองแขม และเขตลาดกระบัง ซึ่งมีการก่อสร้างและการจราจรหนาแน่น

ผู้ว่าราชการกรุงเทพมหานครกล่าวว่า ได้สั่งการให้สำนักงานเขตทุกแห่งเพิ่มการตรวจวัดควันดำจากรถยนต์ และขอความร่วมมือจากบริษัทเอกชนให้พนักงานทำงานจากที่บ้านในช่วงที่ค่าฝุ่นสูง นอกจากนี้ยังได้ฉีดพ่นน้ำบนถนนสายหลักเพื่อลดการฟุ้งกระจายของฝุ่น

แพทย์จากโรงพยาบาลรามาธิบดีแนะนำให้ประชาชน โดยเฉพาะเด็กเล็ก ผู้สูงอายุ และผู้ที่มีโรคประจำตัว หลีกเลี่ยงการทำกิจกรรมกลางแจ้ง และสวมหน้ากากอนามัยชนิดที่สามารถกรองฝุ่นขนาดเล็กได้ทุกครั้งเมื่อต้องออกนอกบ้าน

กรมอุตุนิยมวิทยาคาดการณ์ว่า สภาพอากาศจะเริ่มดีขึ้นในช่วงปลายสัปดาห์ เนื่องจากจะมีลมพัดแรงขึ้น ซึ่งจะช่วยให้ฝุ่นละอองกระจายตัวได้ดีขึ้น
""";

    /// <summary>A navigation bar and footer: the page's text when the article was not found.</summary>
    public const string Navigation = """
        Home
        News
        World
        Politics
        Business
        Technology
        Science
        Health
        Sports
        Entertainment
        Opinion
        Video
        Podcasts
        Newsletters
        Contact us
        About us
        Careers
        Advertise
        Terms of use
        Privacy policy
        Subscribe
        Sign in
        """;

    /// <summary>Keyword spam: the same few search phrases over and over.</summary>
    public static string KeywordSpam { get; } = BuildSpam();

    /// <summary>A placeholder page.</summary>
    public const string LoremIpsum = """
        Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.

        Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum.

        Sed ut perspiciatis unde omnis iste natus error sit voluptatem accusantium doloremque laudantium, totam rem aperiam, eaque ipsa quae ab illo inventore veritatis et quasi architecto beatae vitae dicta sunt explicabo. Nemo enim ipsam voluptatem quia voluptas sit aspernatur aut odit aut fugit.
        """;

    /// <summary>A shop's price table.</summary>
    public const string PriceTable = """
        Product | Storage | Price | In stock
        iPhone 15 | 128 GB | $799.00 | 12
        iPhone 15 | 256 GB | $899.00 | 4
        iPhone 15 Plus | 128 GB | $899.00 | 7
        iPhone 15 Pro | 128 GB | $999.00 | 0
        iPhone 15 Pro | 256 GB | $1,099.00 | 3
        iPhone 15 Pro Max | 256 GB | $1,199.00 | 9
        Galaxy S24 | 128 GB | $799.99 | 15
        Galaxy S24+ | 256 GB | $999.99 | 6
        Galaxy S24 Ultra | 256 GB | $1,299.99 | 2
        Pixel 8 | 128 GB | $699.00 | 21
        Pixel 8 Pro | 128 GB | $999.00 | 5
        OnePlus 12 | 256 GB | $799.99 | 8
        """;

    /// <summary>Two real paragraphs, then the same newsletter promotion six times.</summary>
    public static string RepeatedParagraphs { get; } = string.Join("\n\n",
        [
            "City officials said on Tuesday that the new bridge over the river would open to traffic next month, two years later than planned.",
            "The project was delayed by a shortage of steel and by a dispute with the original contractor, according to the city's transport department.",
            .. Enumerable.Repeat("Get the latest breaking news and exclusive stories delivered straight to your inbox every morning. Sign up for our free newsletter today and never miss an update from our award-winning newsroom.", 6),
        ]);

    /// <summary>A real but very short news brief: 55 words, 5 sentences, close to several minimums.</summary>
    public const string ShortBrief = """
        The city council approved a plan on Monday to extend the number 9 bus route to the new hospital.

        The extension adds four stops and will start running in March, the council said. Officials expect about 2,000 riders a day.

        Residents had asked for the change for years. The cost is estimated at $1.2 million.
        """;

    /// <summary>Like <see cref="ShortBrief"/> but one sentence shorter: C4's minimum of five sentences fails, narrowly.</summary>
    public const string TooShortBrief = """
        The city council approved a plan on Monday to extend the number 9 bus route to the new hospital.

        The extension adds four stops and will start running in March, the council said. Officials expect about 2,000 riders a day.

        Residents had asked for the change for years, and the cost is estimated at $1.2 million.
        """;

    private static string BuildSpam()
    {
        string[] phrases = ["cheap flights", "cheap hotels", "best deals", "last minute flights", "cheap car rental", "book now",
            "discount travel", "cheap flights to london", "cheap flights to paris", "hotel deals"];
        var lines = new List<string>();
        for (var line = 0; line < 12; line++)
            lines.Add(string.Join(' ', Enumerable.Range(0, 14).Select(i => phrases[(line * 7 + i * 3) % phrases.Length])));
        return string.Join("\n\n", lines);
    }
}
