namespace Serverless.Pipeline.Privacy.Api;

/// <summary>What a host answers: status, JSON body, content type and, for a created request, its location.</summary>
public sealed record ApiResponse(int Status, object Body, string ContentType = "application/json", string? Location = null)
{
    public static ApiResponse Of(Problems.Problem problem) => new(problem.Status, problem, Problems.Problem.ContentType);

    public static ApiResponse Refuse(int status, string slug, string title, string detail) =>
        Of(Problems.Problem.Of(status, slug, title, detail));
}
