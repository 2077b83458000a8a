using System.Security.Cryptography;
using System.Text;
using Foresight.EndToEnd.Tests.Support;
using Microsoft.Playwright;

namespace Foresight.Web.Tests.Support;

/// <summary>
/// One server process with three agent processes (EndToEndCluster: real processes on loopback; the agents run the
/// jobs' shell steps) and one headless Debian chromium driven by Playwright (<c>/usr/bin/chromium</c>, never a
/// downloaded browser). The server knows the cluster's admin token and a read-only token.
/// </summary>
public sealed class WebUiFixture : IAsyncLifetime
{
    public const string ReadToken = "web-ui-read-token-0123456789abcdef";
    public const string Chromium = "/usr/bin/chromium";

    /// <summary>Navigation waits for the document, not for the load event: pages hold event streams open, and whether
    /// a stream opened during loading holds the load event back is the browser's business, not the UI's.</summary>
    public static readonly PageGotoOptions Parsed = new() { WaitUntil = WaitUntilState.DOMContentLoaded };

    private IPlaywright? _playwright;

    public EndToEndCluster Cluster { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Screenshots of each page, under the test output folder.</summary>
    public string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium package (.ci/run does)");
        Directory.CreateDirectory(Screenshots);
        Cluster = await EndToEndCluster.StartAsync(agents: 3, serverArgs:
        [
            $"--Foresight:Gateway:Tokens:viewer:Sha256={Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ReadToken)))}",
            "--Foresight:Gateway:Tokens:viewer:Scopes=read",
        ]);
        Assertions.SetDefaultExpectTimeout(30_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            // The tests run as root, where chromium's sandbox cannot start.
            Args = ["--no-sandbox"],
        });
    }

    /// <summary>A fresh browser context (own cookies) at 1280×800 (or <paramref name="width"/>), signed in with
    /// <paramref name="token"/>; disposing it closes the context (and the event streams its pages hold).</summary>
    public async Task<BrowserSession> SignedInPageAsync(string token, int width = 1280, int height = 800)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Cluster.BaseAddress.AbsoluteUri,
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        var session = new BrowserSession(context, page);
        await page.GotoAsync("/ui/signin", Parsed);
        await page.GetByLabel("API token").FillAsync(token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        try
        {
            await page.WaitForURLAsync("**/ui/runs", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        }
        catch (TimeoutException e)
        {
            var what = $"signing in did not reach /ui/runs: at {page.Url}:\n{await page.ContentAsync()}\n{Cluster.Logs}";
            await session.DisposeAsync();
            throw new InvalidOperationException(what, e);
        }

        return session;
    }

    public Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, $"{name}.png"), FullPage = true });

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }
}

/// <summary>A browser context with its page; disposing closes the context.</summary>
public sealed class BrowserSession(IBrowserContext context, IPage page) : IAsyncDisposable
{
    public IPage Page { get; } = page;

    public ValueTask DisposeAsync() => new(context.CloseAsync());
}
