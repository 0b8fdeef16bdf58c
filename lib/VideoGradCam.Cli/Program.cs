// ./workspace forwards here: `dotnet run --project lib/VideoGradCam.Cli -- <verb>` works the same on macOS and Windows.
return VideoGradCam.Commands.Cli.Run(args);
