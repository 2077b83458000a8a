using Foresight.Server.Hosting;

var app = ForesightServer.Build(ForesightServer.CreateBuilder(args));
await app.RunAsync();
