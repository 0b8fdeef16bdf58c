using Microsoft.Playwright;

namespace VideoGradCam.Plots;

/// <summary>
/// The system's Chromium (Debian's <c>chromium</c> package; never a downloaded browser), driven by Playwright:
/// renders each figure of an offline page to PNG, and checks that a page drew every chart without a JavaScript error.
/// </summary>
public sealed class HeadlessBrowser : IAsyncDisposable
{
    /// <summary>WORKSPACE_CHROMIUM, else the usual system locations.</summary>
    public static string? FindChromium()
    {
        if (Environment.GetEnvironmentVariable("WORKSPACE_CHROMIUM") is { Length: > 0 } env) return File.Exists(env)
            ? env : null;
        return new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome",
            "/usr/bin/google-chrome-stable" }
            .FirstOrDefault(File.Exists);
    }

    readonly IPlaywright _playwright;
    readonly IBrowser _browser;

    HeadlessBrowser(IPlaywright playwright, IBrowser browser) { _playwright = playwright; _browser = browser; }

    public static async Task<HeadlessBrowser> LaunchAsync()
    {
        var chromium = FindChromium() ?? throw new FileNotFoundException(
            "No Chromium found: install Debian's 'chromium' package (./workspace setup does) or set " +
            "WORKSPACE_CHROMIUM.");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            // No background traffic: this machine has no network but package registries.
            Args =
                ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync"],
        });
        return new HeadlessBrowser(playwright, browser);
    }

    /// <summary>A viewport wide enough for the widest figure (a strip of eight 160-px frames with labels and colour
    /// bar).</summary>
    static readonly ViewportSize Wide = new() { Width = 1920, Height = 1080 };

    /// <summary>Loads a local page and waits for its load event (inline scripts have run).</summary>
    static Task OpenAsync(IPage page, string htmlPath) =>
        page.GotoAsync(new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri,
            new PageGotoOptions { WaitUntil = WaitUntilState.Load });

    /// <summary>What a page drew: plot containers, how many hold an SVG, and the JavaScript errors it logged.</summary>
    public sealed record PageCheck(int Plots, int PlotsWithSvg, IReadOnlyList<string> Errors);

    /// <param name="offline">refuse every request that leaves the machine (http, https): a chart that needs a CDN
    /// then stays empty. Errors about the refused requests themselves are not counted.</param>
    public async Task<PageCheck> CheckAsync(string htmlPath, bool offline = false)
    {
        var page = await _browser.NewPageAsync();
        var errors = new List<string>();
        var refused = new List<string>();
        if (offline)
            await page.RouteAsync(url => !url.StartsWith("file:", StringComparison.Ordinal)
                && !url.StartsWith("data:", StringComparison.Ordinal),
                async route => { refused.Add(route.Request.Url); await route.AbortAsync(); });
        page.PageError += (_, e) => errors.Add(e);
        page.Console += (_, m) => { if (m.Type == "error"
            && !m.Text.Contains("net::ERR_FAILED", StringComparison.Ordinal)) errors.Add(m.Text); };
        await OpenAsync(page, htmlPath);
        const string drawnScript =
            "() => [...document.querySelectorAll('.wsplot')].filter(d => d.querySelector('svg')).length";
        var plots = await page.Locator(".wsplot").CountAsync();
        // Charts draw when plotly.js is there; give a late script a moment before counting.
        try { await page.WaitForFunctionAsync($"() => ({drawnScript})() === {plots}", null,
            new PageWaitForFunctionOptions { Timeout = 10_000 }); }
        catch (TimeoutException) { }
        var drawn = await page.EvaluateAsync<int>(drawnScript);
        await page.CloseAsync();
        if (offline && drawn < plots && refused.Count > 0) errors.Add(
            $"requests refused offline: {string.Join(", ", refused.Distinct().Take(3))}");
        return new PageCheck(plots, drawn, errors);
    }

    /// <summary>What a reader sees of each frame strip of a page (figures whose labels include "frame N" as text): how
    /// many frame labels are text in the page, and the narrowest frame tile on screen in CSS pixels.</summary>
    public async Task<IReadOnlyList<(int FrameLabels, double TileWidth)>> CheckStripsAsync(string htmlPath)
    {
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = Wide });
        await OpenAsync(page, htmlPath);
        // Frames per line: the frame labels on the first label's line (long clips continue in blocks below).
        var strips = await page.EvaluateAsync<StripState[]>(@"() => [...document.querySelectorAll('.wsplot')].map(d => {
            const labels = [...d.querySelectorAll('.annotation-text')]" +
                @".filter(t => /^frame \d+/.test(t.textContent));
            const top = labels.length ? labels[0].getBoundingClientRect().top : 0;
            const perLine = labels.filter(t => Math.abs(t.getBoundingClientRect().top - top) < 2).length;
            const img = d.querySelector('.imagelayer image, image');
            return { frameLabels: labels.length, tileWidth: img && perLine > 0" +
                @" ? (img.getBoundingClientRect().width - 6 * (perLine - 1)) / perLine : 0 };
        }).filter(s => s.frameLabels > 0)");
        await page.CloseAsync();
        return strips.Select(s => (s.FrameLabels, s.TileWidth)).ToList();
    }

    /// <summary>The frame tiles of an explain page's HTML strip (<c>figure</c> with an image and a caption): each
    /// caption's text and the narrowest image's rendered width in CSS pixels.</summary>
    public async Task<(IReadOnlyList<string> Captions, double NarrowestTile)> CheckFrameTilesAsync(string htmlPath)
    {
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = Wide });
        await OpenAsync(page, htmlPath);
        var captions = await page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('figure figcaption')].map(c => c.textContent)");
        var narrowest = await page.EvaluateAsync<double>(
            "() => Math.min(...[...document.querySelectorAll('figure img')].map(i => " +
            "i.getBoundingClientRect().width))");
        await page.CloseAsync();
        return (captions, narrowest);
    }

    sealed class StripState
    {
        public int FrameLabels { get; set; }
        public double TileWidth { get; set; }
    }

    /// <summary>Every <c>&lt;video&gt;</c> of a page once it could load: its source, readyState (2+ = a frame is there)
    /// and duration.</summary>
    public async Task<IReadOnlyList<(string Source, int ReadyState, double Duration)>> CheckVideosAsync(string htmlPath)
    {
        var page = await _browser.NewPageAsync();
        await OpenAsync(page, htmlPath);
        try
        {
            await page.WaitForFunctionAsync(
                "() => [...document.querySelectorAll('video')].every(v => v.readyState >= 2 || v.error)", null,
                new PageWaitForFunctionOptions { Timeout = 10_000 });
        }
        catch (TimeoutException) { }
        var videos = await page.EvaluateAsync<VideoState[]>(
            "() => [...document.querySelectorAll('video')].map(v => ({ source: v.currentSrc || v.src, readyState: " +
            "v.readyState, duration: isFinite(v.duration) ? v.duration : 0 }))");
        await page.CloseAsync();
        return videos.Select(v => (v.Source, v.ReadyState, v.Duration)).ToList();
    }

    sealed class VideoState
    {
        public string Source { get; set; } = "";
        public int ReadyState { get; set; }
        public double Duration { get; set; }
    }

    /// <summary>Writes one PNG per plot container of the page: <c>{prefix}-{index}.png</c> in
    /// <paramref name="outDir"/>. Returns the files.</summary>
    /// <param name="width">the viewport's width in CSS pixels (default: <see cref="Wide"/>'s).</param>
    /// <param name="scale">device pixels per CSS pixel: 2 keeps text sharp when the PNG is shown large or zoomed
    /// (README thumbnails, slides).</param>
    public async Task<IReadOnlyList<string>> ScreenshotPlotsAsync(string htmlPath, string outDir, string prefix,
        int? width = null, double scale = 2)
    {
        Directory.CreateDirectory(outDir);
        var viewport = new ViewportSize { Width = width ?? Wide.Width, Height = Wide.Height };
        var page = await _browser.NewPageAsync(
            new BrowserNewPageOptions { ViewportSize = viewport, DeviceScaleFactor = (float)scale });
        await OpenAsync(page, htmlPath);
        var plots = page.Locator(".wsplot");
        int n = await plots.CountAsync();
        var files = new List<string>();
        for (int i = 0; i < n; i++)
        {
            var file = Path.Combine(outDir, $"{prefix}-{i}.png");
            await plots.Nth(i).ScreenshotAsync(new LocatorScreenshotOptions { Path = file });
            files.Add(file);
        }
        await page.CloseAsync();
        return files;
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync();
        _playwright.Dispose();
    }
}
