using Plotly.NET.CSharp;
using VideoGradCam.Plots;

namespace VideoGradCam.Tests.Plots;

public class FigurePageTests
{
    static FigurePage TwoCharts()
    {
        var xs = new[] { 1.0, 2.0, 3.0 };
        return new FigurePage("two charts")
            .Figure(Chart.Line<double, double, string>(xs, xs), "a line")
            .Figure(Chart.Column<double, string, string>(xs, new[] { "a", "b", "c" }), "columns");
    }

    [Fact]
    public void PageInlinesPlotlyOnceAndNeedsNoNetwork()
    {
        var html = TwoCharts().ToHtml();
        Assert.DoesNotContain("<script src", html);           // nothing fetched
        Assert.DoesNotContain("requirejs", html);
        Assert.Equal(1, CountOf(html, "plotly.js v"));     // the library's banner, once
        Assert.Equal(2, CountOf(html, "class=\"wsplot\""));
    }

    [Fact]
    public async Task EveryChartDrawsInChromiumWithoutJavaScriptErrors()
    {
        Assert.True(HeadlessBrowser.FindChromium() != null, "Chromium is missing: ./workspace setup installs it");
        var dir = Directory.CreateTempSubdirectory("page").FullName;
        var path = Path.Combine(dir, "page.html");
        TwoCharts().Save(path);
        await using var browser = await HeadlessBrowser.LaunchAsync();
        var check = await browser.CheckAsync(path);
        Assert.Equal(2, check.Plots);
        Assert.Equal(2, check.PlotsWithSvg);
        Assert.Empty(check.Errors);
        var pngs = await browser.ScreenshotPlotsAsync(path, dir, "fig");
        Assert.Equal(2, pngs.Count);
        Assert.All(pngs, p => Assert.True(new FileInfo(p).Length > 1000));
        Directory.Delete(dir, recursive: true);
    }

    static int CountOf(string s, string what) => (s.Length - s.Replace(what, "").Length) / what.Length;
}
