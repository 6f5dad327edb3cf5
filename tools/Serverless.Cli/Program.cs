using Serverless.Cli;

// Exit codes: 0 ok, 1 failure (including a broken audit chain), 2 bad usage.
return await CliApplication.RunAsync(args, CliEnvironment.FromProcess(), CancellationToken.None);
