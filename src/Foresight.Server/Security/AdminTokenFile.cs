using System.Security.Cryptography;
using Foresight.Server.Gateway;

namespace Foresight.Server.Security;

/// <summary>
/// Secure by default: with no token configured the server makes an admin token and keeps it in
/// <c>&lt;data dir&gt;/admin-token</c> (mode 600, folder 700), reused on the next start so clients keep working.
/// </summary>
public static class AdminTokenFile
{
    public const string FileName = "admin-token";
    public const string TokenName = "generated-admin";

    /// <summary>Reads the token file or writes a new one; <c>Created</c> tells which.</summary>
    public static (string Token, string Path, bool Created) LoadOrCreate(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (File.Exists(path))
        {
            var existing = File.ReadAllText(path).Trim();
            if (existing.Length >= 32)
            {
                RestrictToOwner(path);
                return (existing, path, false);
            }
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(dataDirectory);
        }
        else
        {
            Directory.CreateDirectory(dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var token = "fst_" + System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var temporary = path + "." + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(token + "\n");
        }

        RestrictToOwner(temporary);
        File.Move(temporary, path, overwrite: true);
        return (token, path, true);
    }

    public static ApiToken AsApiToken(string token) =>
        new(TokenName, TokenRegistry.Hash(token), [Scopes.Admin], ["*"]);

    private static void RestrictToOwner(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
