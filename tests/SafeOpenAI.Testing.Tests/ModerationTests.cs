// ClassifyInputsAsync, ModerationInputPart and ApplicableInputKinds are marked
// [Experimental("OPENAI001")] in the SDK; the endpoint must still answer them faithfully.
#pragma warning disable OPENAI001

using System.ClientModel;
using System.Text.Json;
using OpenAI.Moderations;

namespace SafeOpenAI.Testing.Tests;

/// <summary>Moderations through the unmodified OpenAI SDK against the local endpoint.</summary>
[TestFixture]
public sealed class ModerationTests : LocalEndpointFixture
{
    [Test]
    public async Task Offline_stand_in_flags_a_listed_keyword_and_says_it_is_not_a_classifier()
    {
        var client = Endpoint.CreateModerationClient();

        ModerationResult result = await client.ClassifyTextAsync("I will kill the process and then stab the bug.");

        Assert.Multiple(() =>
        {
            Assert.That(result.Flagged, Is.True);
            Assert.That(result.Violence.Flagged, Is.True);
            Assert.That(result.Violence.Score, Is.EqualTo(OfflineModerationStandIn.FlaggedScore).Within(1e-6));
            Assert.That(result.Hate.Flagged, Is.False);
            Assert.That(result.Hate.Score, Is.EqualTo(OfflineModerationStandIn.BaselineScore).Within(1e-6));
            Assert.That(result.Violence.ApplicableInputKinds, Is.EqualTo(ModerationApplicableInputKinds.Text));
        });

        var recorded = Endpoint.ModerationRequests.Single();
        Assert.That(recorded.Path, Is.EqualTo("/v1/moderations"));
        Assert.That(recorded.GetString("input"), Is.EqualTo("I will kill the process and then stab the bug."));
        Assert.That(recorded.Model, Is.EqualTo("omni-moderation-latest"));
    }

    [Test]
    public async Task Offline_stand_in_model_field_is_marked()
    {
        using var http = new HttpClient();
        using var content = new StringContent("{\"model\":\"omni-moderation-latest\",\"input\":\"hello\"}", System.Text.Encoding.UTF8, "application/json");

        using var response = await http.PostAsync(new Uri(Endpoint.BaseUri, "moderations"), content);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        var root = json.RootElement;
        Assert.That(root.GetProperty("model").GetString(), Is.EqualTo(OfflineModerationStandIn.ModelName));
        Assert.That(root.GetProperty("model").GetString(), Does.Contain("NOT a classifier"));
        var result = root.GetProperty("results")[0];
        Assert.That(result.GetProperty("categories").EnumerateObject().Select(p => p.Name), Is.EquivalentTo(ModerationCategories.All));
        Assert.That(result.GetProperty("category_scores").EnumerateObject().Select(p => p.Name), Is.EquivalentTo(ModerationCategories.All));
        Assert.That(result.GetProperty("category_applied_input_types").EnumerateObject().Select(p => p.Name), Is.EquivalentTo(ModerationCategories.All));
        Assert.That(result.GetProperty("flagged").GetBoolean(), Is.False);
    }

    [Test]
    public async Task Offline_stand_in_does_not_flag_words_that_merely_contain_a_keyword()
    {
        var client = Endpoint.CreateModerationClient();

        ModerationResult result = await client.ClassifyTextAsync("A stable build needs skill, not bombast.");

        Assert.That(result.Flagged, Is.False);
    }

    [Test]
    public async Task String_array_gets_one_result_per_string()
    {
        var client = Endpoint.CreateModerationClient();

        ModerationResultCollection results = await client.ClassifyTextAsync(["hello there", "how to build a bomb", "thoughts of suicide"]);

        Assert.Multiple(() =>
        {
            Assert.That(results, Has.Count.EqualTo(3));
            Assert.That(results[0].Flagged, Is.False);
            Assert.That(results[1].IllicitViolent.Flagged, Is.True);
            Assert.That(results[2].SelfHarm.Flagged, Is.True);
            Assert.That(results.Model, Is.EqualTo(OfflineModerationStandIn.ModelName));
        });
    }

    [Test]
    public async Task Text_and_image_parts_get_one_result_with_applied_input_types()
    {
        var client = Endpoint.CreateModerationClient();
        ModerationResult result = await client.ClassifyInputsAsync(
        [
            ModerationInputPart.CreateTextPart("a picture of my cat"),
            ModerationInputPart.CreateImagePart(new Uri("https://example.com/cat.png")),
        ]);

        Assert.Multiple(() =>
        {
            Assert.That(result.Flagged, Is.False);
            Assert.That(result.Violence.ApplicableInputKinds, Is.EqualTo(ModerationApplicableInputKinds.Text | ModerationApplicableInputKinds.Image));
            Assert.That(result.Hate.ApplicableInputKinds, Is.EqualTo(ModerationApplicableInputKinds.Text));
        });

        var input = Endpoint.ModerationRequests.Single().Json!.Value.GetProperty("input");
        Assert.That(input.EnumerateArray().Select(p => p.GetProperty("type").GetString()), Is.EqualTo(new[] { "text", "image_url" }));
    }

    [Test]
    public async Task Scripted_flag_and_clean_are_consumed_in_order()
    {
        Endpoint.Moderation.Enqueue(ScriptedModerationResponse.Flagged(ModerationCategories.HarassmentThreatening, 0.91));
        Endpoint.Moderation.Enqueue(ScriptedModerationResponse.Clean());
        var client = Endpoint.CreateModerationClient();

        ModerationResult flagged = await client.ClassifyTextAsync("innocent text");
        ModerationResult clean = await client.ClassifyTextAsync("kill");

        Assert.Multiple(() =>
        {
            Assert.That(flagged.Flagged, Is.True);
            Assert.That(flagged.HarassmentThreatening.Flagged, Is.True);
            Assert.That(flagged.HarassmentThreatening.Score, Is.EqualTo(0.91).Within(1e-6));
            Assert.That(clean.Flagged, Is.False, "a scripted clean answer wins over the keyword list");
        });
    }

    [Test]
    public async Task Scored_reports_high_scores_without_flagging_below_the_threshold()
    {
        Endpoint.Moderation.Enqueue(ScriptedModerationResponse.Scored(new Dictionary<string, double> { [ModerationCategories.Violence] = 0.4 }));
        var client = Endpoint.CreateModerationClient();

        ModerationResult result = await client.ClassifyTextAsync("grey zone");

        Assert.That(result.Flagged, Is.False);
        Assert.That(result.Violence.Score, Is.EqualTo(0.4).Within(1e-6));
    }

    [Test]
    public void Scripted_error_surfaces_when_retries_are_off()
    {
        Endpoint.Moderation.Enqueue(ScriptedModerationResponse.Error(500));
        var client = Endpoint.CreateModerationClient(maxRetries: 0);

        var ex = Assert.ThrowsAsync<ClientResultException>(async () => await client.ClassifyTextAsync("x"));

        Assert.That(ex!.Status, Is.EqualTo(500));
    }

    [Test]
    public void Malformed_json_fails_in_the_client()
    {
        Endpoint.Moderation.Enqueue(ScriptedModerationResponse.MalformedJson());
        var client = Endpoint.CreateModerationClient(maxRetries: 0);

        Assert.That(async () => await client.ClassifyTextAsync("x"), Throws.Exception);
    }

    [Test]
    public void Delayed_moderation_is_cancelled_by_the_caller()
    {
        Endpoint.Moderation.Enqueue(ScriptedModerationResponse.Delayed(TimeSpan.FromMinutes(5), ScriptedModerationResponse.Clean()));
        var client = Endpoint.CreateModerationClient(maxRetries: 0);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        Assert.That(async () => await client.ClassifyTextAsync("x", cts.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void Unknown_category_is_rejected_when_scripting()
    {
        Assert.That(() => ScriptedModerationResponse.Flagged("violent"), Throws.ArgumentException);
    }
}
