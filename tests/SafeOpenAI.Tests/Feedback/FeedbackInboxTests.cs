using System.Diagnostics.Metrics;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Moq;
using SafeOpenAI.Tests.Alerts;

namespace SafeOpenAI.Tests.Feedback;

/// <summary>
/// <see cref="FeedbackInbox"/> on the real in-memory feedback store, a real <see cref="AnomalyMonitor"/>,
/// the real role authorization and protector, the container's meter factory and a fake clock.
/// </summary>
public sealed class FeedbackInboxTests
{
    private const string Role = "safeopenai-reviewer";
    private const string Comment = "It told me my neighbour Jane Roe's home address, 12 Elm Street.";
    private static readonly DateTimeOffset s_start = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    private FakeTimeProvider _time = null!;
    private InMemoryFeedbackStore _store = null!;
    private RecordingAccessLog _accessLog = null!;
    private AuditContentProtector _protector = null!;
    private SafetyHasher _hasher = null!;
    private AuditRecordShelf _audit = null!;
    private ServiceProvider _services = null!;
    private RecordingAlertSink _alertSink = null!;
    private SafetyAlertDispatcher _dispatcher = null!;
    private FakeLogCollector _logs = null!;
    private ILoggerFactory _loggerFactory = null!;
    private int _auditSequence;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(s_start);
        _store = new InMemoryFeedbackStore();
        _accessLog = new RecordingAccessLog();
        _protector = new AuditContentProtector(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        _hasher = new SafetyHasher(new SafetyIdentifierOptions { HashKey = "feedback-inbox-tests-hash-key-0123456789" });
        _audit = new AuditRecordShelf();
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        _alertSink = new RecordingAlertSink();
        _dispatcher = new SafetyAlertDispatcher([_alertSink], NullLoggerFactory.Instance);
        _logs = new FakeLogCollector();
        _loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(_logs)));
    }

    [TearDown]
    public async Task TearDown()
    {
        await _dispatcher.DisposeAsync();
        await _services.DisposeAsync();
        _loggerFactory.Dispose();
        _hasher.Dispose();
    }

    [Test]
    public async Task A_report_is_stored_with_its_comment_encrypted_under_the_report_id()
    {
        var inbox = Inbox();
        var auditId = AuditedCall();
        _time.Advance(TimeSpan.FromMinutes(3));

        var receipt = await inbox.ReportAsync(new FeedbackReport(auditId, FeedbackCategory.Privacy, Comment, "reporter-1"), CancellationToken.None);

        Assert.That(receipt.ReportId, Does.Match("^[0-9a-f]{32}$"));
        Assert.That(receipt.ReceivedAt, Is.EqualTo(s_start.AddMinutes(3)));
        var stored = await _store.GetAsync(receipt.ReportId, CancellationToken.None);
        Assert.That(stored, Is.Not.Null);
        Assert.That(stored!.AuditId, Is.EqualTo(auditId));
        Assert.That(stored.Category, Is.EqualTo(FeedbackCategory.Privacy));
        Assert.That(stored.ReporterSafetyIdentifier, Is.EqualTo("reporter-1"));
        Assert.That(stored.ReceivedAt, Is.EqualTo(receipt.ReceivedAt));
        Assert.That(stored.Triage, Is.EqualTo(FeedbackTriageStatus.Open));
        Assert.That(stored.Version, Is.EqualTo(1));
        Assert.That(stored.ProtectedComment, Does.StartWith("v1." + _protector.KeyId + "."));
        Assert.That(stored.ToString(), Does.Not.Contain("Jane Roe").And.Not.Contain("Elm Street"), "no field of the stored entry holds the comment in the clear");
        Assert.That(_protector.Unprotect(stored.ProtectedComment!, ProtectedField.Of(receipt.ReportId, ProtectedField.Comment)), Is.EqualTo(Comment));
        Assert.Throws<AuthenticationTagMismatchException>(() => _protector.Unprotect(stored.ProtectedComment!, ProtectedField.Of(auditId, ProtectedField.Comment)), "bound to the report id, not usable on another record");
        Assert.Throws<AuthenticationTagMismatchException>(() => _protector.Unprotect(stored.ProtectedComment!, ProtectedField.Of(receipt.ReportId, ProtectedField.Note)), "bound to its field, not usable as the triage note");
    }

    [Test]
    public async Task A_report_without_words_stores_no_comment()
    {
        var inbox = Inbox();

        var receipt = await inbox.ReportAsync(new FeedbackReport(AuditedCall(), FeedbackCategory.Wrong, "   ", null), CancellationToken.None);

        var stored = await _store.GetAsync(receipt.ReportId, CancellationToken.None);
        Assert.That(stored!.ProtectedComment, Is.Null);
        Assert.That(stored.ReporterSafetyIdentifier, Is.Null);
    }

    [Test]
    public async Task With_an_audit_store_a_report_about_an_unknown_call_is_refused_and_not_counted()
    {
        var inbox = Inbox();
        using var reports = Collect();

        var error = Assert.ThrowsAsync<ReviewNotFoundException>(() => inbox.ReportAsync(new FeedbackReport("no-such-call", FeedbackCategory.Harmful, Comment, "reporter-1"), CancellationToken.None));

        Assert.That(error!.Id, Is.EqualTo("no-such-call"));
        Assert.That(await _store.ListAsync(new FeedbackQuery { Triage = null }, CancellationToken.None), Is.Empty);
        Assert.That(reports.GetMeasurementSnapshot(), Is.Empty);
    }

    [Test]
    public async Task Without_an_audit_store_any_audit_id_is_taken()
    {
        var inbox = Inbox(withAuditReader: false);

        var receipt = await inbox.ReportAsync(new FeedbackReport("call-from-another-service", FeedbackCategory.Other, null, null), CancellationToken.None);

        Assert.That((await _store.GetAsync(receipt.ReportId, CancellationToken.None))!.AuditId, Is.EqualTo("call-from-another-service"));
    }

    [Test]
    public void A_null_report_is_refused() =>
        Assert.ThrowsAsync<ArgumentNullException>(() => Inbox().ReportAsync(null!, CancellationToken.None));

    [Test]
    public async Task A_report_cancelled_before_it_is_stored_is_not_stored()
    {
        var inbox = Inbox(withAuditReader: false);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        Assert.ThrowsAsync<OperationCanceledException>(() => inbox.ReportAsync(new FeedbackReport("a1", FeedbackCategory.Wrong, Comment, null), cancelled.Token));
        Assert.That(await _store.ListAsync(new FeedbackQuery { Triage = null }, CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task Each_report_is_counted_once_by_its_category_in_snake_case()
    {
        var inbox = Inbox();
        using var reports = Collect();
        var auditId = AuditedCall();

        await inbox.ReportAsync(new FeedbackReport(auditId, FeedbackCategory.OffTopic, null, "r1"), CancellationToken.None);
        await inbox.ReportAsync(new FeedbackReport(auditId, FeedbackCategory.Harmful, null, "r2"), CancellationToken.None);
        await inbox.ReportAsync(new FeedbackReport(auditId, FeedbackCategory.OffTopic, null, "r3"), CancellationToken.None);

        var measurements = reports.GetMeasurementSnapshot();
        Assert.That(measurements.Select(m => m.Value), Is.EqualTo(new[] { 1L, 1L, 1L }));
        Assert.That(measurements.Select(m => m.Tags[FeedbackInbox.CategoryAttribute]), Is.EqualTo(new object?[] { "off_topic", "harmful", "off_topic" }));
        Assert.That(measurements.All(m => m.Tags.Count == 1), Is.True, "no user, audit id or comment on the metric");
        Assert.That(reports.Instrument!.Unit, Is.EqualTo("{report}"));
    }

    [TestCase(FeedbackCategory.Harmful, "harmful")]
    [TestCase(FeedbackCategory.Wrong, "wrong")]
    [TestCase(FeedbackCategory.Privacy, "privacy")]
    [TestCase(FeedbackCategory.OffTopic, "off_topic")]
    [TestCase(FeedbackCategory.Other, "other")]
    public async Task Every_category_has_its_metric_name(FeedbackCategory category, string expected)
    {
        using var reports = Collect();

        await Inbox().ReportAsync(new FeedbackReport(AuditedCall(), category, null, null), CancellationToken.None);

        Assert.That(reports.LastMeasurement!.Tags[FeedbackInbox.CategoryAttribute], Is.EqualTo(expected));
    }

    [Test]
    public async Task Reports_reach_the_anomaly_monitor_and_trip_the_feedback_spike()
    {
        var inbox = Inbox(monitor: Monitor(feedbackThreshold: 3));
        var first = AuditedCall();
        var second = AuditedCall();

        await inbox.ReportAsync(new FeedbackReport(first, FeedbackCategory.Harmful, null, "r1"), CancellationToken.None);
        await inbox.ReportAsync(new FeedbackReport(first, FeedbackCategory.Harmful, "again", "r1"), CancellationToken.None);   // the same reporter and answer count once
        await inbox.ReportAsync(new FeedbackReport(second, FeedbackCategory.Harmful, null, "r1"), CancellationToken.None);
        Assert.That(await AlertsAsync(), Is.Empty);

        _time.Advance(TimeSpan.FromMinutes(10));
        await inbox.ReportAsync(new FeedbackReport(first, FeedbackCategory.Wrong, null, "r2"), CancellationToken.None);

        var alert = (await AlertsAsync()).Single();
        Assert.That(alert.Rule, Is.EqualTo(AnomalyRules.FeedbackSpike));
        Assert.That(alert.Scope, Is.EqualTo(AlertScope.Global));
        Assert.That(alert.Observed, Is.EqualTo(3));
        Assert.That(alert.Threshold, Is.EqualTo(3));
        Assert.That(alert.RaisedAt, Is.EqualTo(s_start.AddMinutes(10)));
        Assert.That(await _store.ListAsync(new FeedbackQuery(), CancellationToken.None), Has.Count.EqualTo(4), "every report is stored, the repeated one too");
    }

    [Test]
    public async Task A_failing_anomaly_monitor_neither_loses_nor_fails_the_stored_report()
    {
        // A monitor whose alert queue is gone and whose logging throws: its fault escapes ObserveFeedbackAsync.
        using var brokenLogging = LoggerFactory.Create(b => b.AddProvider(new ThrowingLoggerProvider()));
        var deadDispatcher = new SafetyAlertDispatcher([_alertSink], brokenLogging);
        await deadDispatcher.DisposeAsync();
        var monitor = new AnomalyMonitor(new AnomalyOptions { FeedbackThreshold = 1 }, new InMemoryUserAccessPolicy(_time), deadDispatcher, _time, brokenLogging);
        var inbox = Inbox(monitor: monitor);
        using var reports = Collect();

        var receipt = await inbox.ReportAsync(new FeedbackReport(AuditedCall(), FeedbackCategory.Harmful, Comment, "r1"), CancellationToken.None);

        Assert.That(await _store.GetAsync(receipt.ReportId, CancellationToken.None), Is.Not.Null);
        Assert.That(reports.GetMeasurementSnapshot(), Has.Count.EqualTo(1));
        var logged = _logs.GetSnapshot().Single(r => r.Id.Id == 3501);
        Assert.That(logged.Level, Is.EqualTo(LogLevel.Error));
        Assert.That(logged.Message, Does.Contain(receipt.ReportId));
        Assert.That(logged.Exception?.GetBaseException().Message, Is.EqualTo("The log shipper is down."), "the monitor's own fault is attached");
        Assert.That(logged.Message, Does.Not.Contain("Jane Roe"));
    }

    [Test]
    public async Task A_reviewer_lists_open_reports_newest_first_without_comments_and_without_a_read_entry()
    {
        var inbox = Inbox();
        var older = await ReportAsync(inbox, FeedbackCategory.Wrong);
        _time.Advance(TimeSpan.FromMinutes(1));
        var newer = await ReportAsync(inbox, FeedbackCategory.Privacy);

        var listed = await inbox.ListAsync(Reviewer("rita"), null, CancellationToken.None);

        Assert.That(listed.Select(e => e.ReportId), Is.EqualTo(new[] { newer, older }));
        Assert.That(listed.Select(e => e.ToString()), Has.None.Contain("Jane Roe"));
        Assert.That(_accessLog.Entries, Is.Empty);
    }

    [Test]
    public async Task A_listing_with_a_filter_applies_it()
    {
        var inbox = Inbox();
        await ReportAsync(inbox, FeedbackCategory.Wrong);
        var privacy = await ReportAsync(inbox, FeedbackCategory.Privacy);

        var listed = await inbox.ListAsync(Reviewer("rita"), new FeedbackQuery { Category = FeedbackCategory.Privacy }, CancellationToken.None);

        Assert.That(listed.Select(e => e.ReportId), Is.EqualTo(new[] { privacy }));
        Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => inbox.ListAsync(Reviewer("rita"), new FeedbackQuery { Limit = 0 }, CancellationToken.None));
    }

    [Test]
    public async Task A_principal_who_is_not_a_reviewer_lists_nothing_and_the_refusal_is_logged()
    {
        var inbox = Inbox();
        await ReportAsync(inbox, FeedbackCategory.Wrong);
        _time.Advance(TimeSpan.FromSeconds(7));

        var signedIn = Assert.ThrowsAsync<ReviewAccessDeniedException>(() => inbox.ListAsync(User("mallory"), null, CancellationToken.None));
        var anonymous = Assert.ThrowsAsync<ReviewAccessDeniedException>(() => inbox.ListAsync(new ClaimsPrincipal(new ClaimsIdentity()), null, CancellationToken.None));

        Assert.That(signedIn!.Principal, Is.EqualTo("mallory"));
        Assert.That(signedIn.SubjectId, Is.Null);
        Assert.That(anonymous!.Principal, Is.EqualTo("(anonymous)"));
        Assert.That(_accessLog.Entries, Is.EqualTo(new[]
        {
            new ReviewAccessEntry(FeedbackInbox.InboxSubjectId, "mallory", ReviewAccessAction.Denied, s_start.AddSeconds(7)),
            new ReviewAccessEntry(FeedbackInbox.InboxSubjectId, "(anonymous)", ReviewAccessAction.Denied, s_start.AddSeconds(7)),
        }));
    }

    [Test]
    public async Task A_reviewer_opens_a_report_next_to_its_audit_record_and_the_read_is_logged()
    {
        var inbox = Inbox();
        var auditId = AuditedCall();
        var receipt = await inbox.ReportAsync(new FeedbackReport(auditId, FeedbackCategory.Privacy, Comment, "r1"), CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(5));

        var opened = await inbox.OpenAsync(Reviewer("rita"), receipt.ReportId, CancellationToken.None);

        Assert.That(opened.Entry, Is.EqualTo(await _store.GetAsync(receipt.ReportId, CancellationToken.None)));
        Assert.That(opened.Comment, Is.EqualTo(Comment));
        Assert.That(opened.TriageNote, Is.Null);
        Assert.That(opened.AuditRecord!.AuditId, Is.EqualTo(auditId));
        Assert.That(opened.Review, Is.Null, "the answer was not held");
        Assert.That(_accessLog.Entries, Is.EqualTo(new[] { new ReviewAccessEntry(receipt.ReportId, "rita", ReviewAccessAction.Read, s_start.AddMinutes(5)) }));
    }

    [Test]
    public async Task A_report_whose_read_cannot_be_logged_is_not_shown()
    {
        var inbox = Inbox();
        var reportId = await ReportAsync(inbox, FeedbackCategory.Privacy);
        _accessLog.Failing = true;

        Assert.ThrowsAsync<IOException>(() => inbox.OpenAsync(Reviewer("rita"), reportId, CancellationToken.None));
    }

    [Test]
    public async Task A_principal_who_is_not_a_reviewer_cannot_open_a_report_and_the_refusal_is_logged()
    {
        var inbox = Inbox();
        var reportId = await ReportAsync(inbox, FeedbackCategory.Privacy);

        var error = Assert.ThrowsAsync<ReviewAccessDeniedException>(() => inbox.OpenAsync(User("mallory"), reportId, CancellationToken.None));

        Assert.That(error!.SubjectId, Is.EqualTo(reportId));
        Assert.That(error.Message, Does.Not.Contain("Jane Roe"));
        Assert.That(_accessLog.Entries, Is.EqualTo(new[] { new ReviewAccessEntry(reportId, "mallory", ReviewAccessAction.Denied, s_start) }));
    }

    [Test]
    public void Opening_an_unknown_report_names_it_and_logs_no_read()
    {
        var inbox = Inbox();

        var error = Assert.ThrowsAsync<ReviewNotFoundException>(() => inbox.OpenAsync(Reviewer("rita"), "0123456789abcdef0123456789abcdef", CancellationToken.None));

        Assert.That(error!.Id, Is.EqualTo("0123456789abcdef0123456789abcdef"));
        Assert.That(_accessLog.Entries, Is.Empty);
    }

    [Test]
    public async Task A_report_on_a_held_answer_shows_its_review_and_is_closed_to_the_reviewer_who_asked_it()
    {
        var review = Summary("rev-1", asker: _hasher.ComputeSafetyIdentifier("sam"));
        var queue = new Mock<IHumanReviewQueue>(MockBehavior.Strict);
        queue.Setup(q => q.GetSummaryAsync("rev-1", It.IsAny<CancellationToken>())).ReturnsAsync(review);
        var inbox = Inbox(reviews: queue.Object);
        var auditId = AuditedCall(reviewId: "rev-1");
        var receipt = await inbox.ReportAsync(new FeedbackReport(auditId, FeedbackCategory.Harmful, Comment, "r1"), CancellationToken.None);

        var ownAnswer = Assert.ThrowsAsync<ReviewAccessDeniedException>(() => inbox.OpenAsync(Reviewer("sam"), receipt.ReportId, CancellationToken.None));
        var opened = await inbox.OpenAsync(Reviewer("rita"), receipt.ReportId, CancellationToken.None);

        Assert.That(ownAnswer!.Principal, Is.EqualTo("sam"));
        Assert.That(opened.Review, Is.EqualTo(review));
        Assert.That(opened.Comment, Is.EqualTo(Comment));
        Assert.That(_accessLog.Entries.Select(e => (e.Principal, e.Action)), Is.EqualTo(new[] { ("sam", ReviewAccessAction.Denied), ("rita", ReviewAccessAction.Read) }));
    }

    [Test]
    public async Task A_report_on_a_review_the_queue_no_longer_holds_opens_without_it_and_says_so()
    {
        var queue = new Mock<IHumanReviewQueue>(MockBehavior.Strict);
        queue.Setup(q => q.GetSummaryAsync("rev-gone", It.IsAny<CancellationToken>())).ThrowsAsync(new ReviewNotFoundException("rev-gone"));
        var inbox = Inbox(reviews: queue.Object);
        var receipt = await inbox.ReportAsync(new FeedbackReport(AuditedCall(reviewId: "rev-gone"), FeedbackCategory.Harmful, Comment, null), CancellationToken.None);

        var opened = await inbox.OpenAsync(Reviewer("rita"), receipt.ReportId, CancellationToken.None);

        Assert.That(opened.Review, Is.Null);
        Assert.That(opened.Comment, Is.EqualTo(Comment));
        var warning = _logs.GetSnapshot().Single(r => r.Id.Id == 3502);
        Assert.That(warning.Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(warning.Message, Does.Contain(receipt.ReportId).And.Contain("rev-gone"));
    }

    [Test]
    public async Task A_reviewer_confirms_a_report_with_an_encrypted_note_and_the_triage_is_logged()
    {
        var inbox = Inbox();
        var reportId = await ReportAsync(inbox, FeedbackCategory.Privacy);
        _time.Advance(TimeSpan.FromHours(2));
        const string note = "Confirmed: the answer repeated Jane Roe's address; the PII guard missed the street format.";

        var triaged = await inbox.TriageAsync(Reviewer("rita"), reportId, FeedbackTriageStatus.Confirmed, note, CancellationToken.None);

        Assert.That(triaged.Triage, Is.EqualTo(FeedbackTriageStatus.Confirmed));
        Assert.That(triaged.TriagedBy, Is.EqualTo("rita"));
        Assert.That(triaged.TriagedAt, Is.EqualTo(s_start.AddHours(2)));
        Assert.That(triaged.Version, Is.EqualTo(2));
        Assert.That(await _store.GetAsync(reportId, CancellationToken.None), Is.EqualTo(triaged));
        Assert.That(triaged.ToString(), Does.Not.Contain("Jane Roe").And.Not.Contain("PII guard"));
        Assert.That(_protector.Unprotect(triaged.ProtectedTriageNote!, ProtectedField.Of(reportId, ProtectedField.Note)), Is.EqualTo(note));
        Assert.That(await inbox.ListAsync(Reviewer("rita"), null, CancellationToken.None), Is.Empty, "no longer open");

        var opened = await inbox.OpenAsync(Reviewer("sam"), reportId, CancellationToken.None);
        Assert.That(opened.TriageNote, Is.EqualTo(note));
        Assert.That(_accessLog.Entries, Is.EqualTo(new[]
        {
            new ReviewAccessEntry(reportId, "rita", ReviewAccessAction.Triaged, s_start.AddHours(2)),
            new ReviewAccessEntry(reportId, "sam", ReviewAccessAction.Read, s_start.AddHours(2)),
        }));
    }

    [Test]
    public async Task A_later_triage_replaces_an_earlier_one_and_both_are_logged()
    {
        var inbox = Inbox();
        var reportId = await ReportAsync(inbox, FeedbackCategory.Wrong);

        await inbox.TriageAsync(Reviewer("rita"), reportId, FeedbackTriageStatus.Confirmed, "looks wrong", CancellationToken.None);
        var second = await inbox.TriageAsync(Reviewer("sam"), reportId, FeedbackTriageStatus.Dismissed, null, CancellationToken.None);

        Assert.That(second.Triage, Is.EqualTo(FeedbackTriageStatus.Dismissed));
        Assert.That(second.TriagedBy, Is.EqualTo("sam"));
        Assert.That(second.ProtectedTriageNote, Is.Null);
        Assert.That(second.Version, Is.EqualTo(3));
        Assert.That(_accessLog.Entries.Select(e => (e.Principal, e.Action)), Is.EqualTo(new[] { ("rita", ReviewAccessAction.Triaged), ("sam", ReviewAccessAction.Triaged) }));
    }

    [TestCase(FeedbackTriageStatus.Open)]
    [TestCase((FeedbackTriageStatus)7)]
    public async Task Open_or_an_undefined_status_is_not_a_triage(FeedbackTriageStatus status)
    {
        var inbox = Inbox();
        var reportId = await ReportAsync(inbox, FeedbackCategory.Wrong);

        var error = Assert.ThrowsAsync<ArgumentException>(() => inbox.TriageAsync(Reviewer("rita"), reportId, status, null, CancellationToken.None));

        Assert.That(error!.ParamName, Is.EqualTo("status"));
        Assert.That((await _store.GetAsync(reportId, CancellationToken.None))!.Version, Is.EqualTo(1));
        Assert.That(_accessLog.Entries, Is.Empty);
    }

    [Test]
    public async Task A_triage_note_over_the_limit_is_refused()
    {
        var inbox = Inbox();
        var reportId = await ReportAsync(inbox, FeedbackCategory.Wrong);

        var error = Assert.ThrowsAsync<ArgumentException>(() => inbox.TriageAsync(Reviewer("rita"), reportId, FeedbackTriageStatus.Dismissed, new string('x', FeedbackReport.MaxCommentCharacters + 1), CancellationToken.None));
        var atTheLimit = await inbox.TriageAsync(Reviewer("rita"), reportId, FeedbackTriageStatus.Dismissed, new string('x', FeedbackReport.MaxCommentCharacters), CancellationToken.None);

        Assert.That(error!.ParamName, Is.EqualTo("note"));
        Assert.That(error.Message, Does.Contain("2001").And.Contain("2000"));
        Assert.That(atTheLimit.Version, Is.EqualTo(2));
    }

    [Test]
    public async Task A_principal_who_is_not_a_reviewer_cannot_triage_and_the_refusal_is_logged()
    {
        var inbox = Inbox();
        var reportId = await ReportAsync(inbox, FeedbackCategory.Wrong);

        Assert.ThrowsAsync<ReviewAccessDeniedException>(() => inbox.TriageAsync(User("mallory"), reportId, FeedbackTriageStatus.Dismissed, null, CancellationToken.None));

        Assert.That((await _store.GetAsync(reportId, CancellationToken.None))!.Triage, Is.EqualTo(FeedbackTriageStatus.Open));
        Assert.That(_accessLog.Entries, Is.EqualTo(new[] { new ReviewAccessEntry(reportId, "mallory", ReviewAccessAction.Denied, s_start) }));
    }

    [Test]
    public void Triaging_an_unknown_report_names_it()
    {
        var error = Assert.ThrowsAsync<ReviewNotFoundException>(() => Inbox().TriageAsync(Reviewer("rita"), "fedcba9876543210fedcba9876543210", FeedbackTriageStatus.Confirmed, null, CancellationToken.None));

        Assert.That(error!.Id, Is.EqualTo("fedcba9876543210fedcba9876543210"));
        Assert.That(_accessLog.Entries, Is.Empty);
    }

    [Test]
    public async Task A_triage_that_loses_the_race_to_another_process_reads_again_and_lands_on_top()
    {
        var contended = new RacingFeedbackStore(_store);
        var inbox = Inbox(store: contended);
        var reportId = await ReportAsync(inbox, FeedbackCategory.Wrong);

        var triaged = await inbox.TriageAsync(Reviewer("rita"), reportId, FeedbackTriageStatus.Confirmed, "mine", CancellationToken.None);

        Assert.That(contended.Raced, Is.True);
        Assert.That(triaged.Version, Is.EqualTo(3), "written on top of the other process's version 2");
        Assert.That(triaged.TriagedBy, Is.EqualTo("rita"));
        Assert.That(await _store.GetAsync(reportId, CancellationToken.None), Is.EqualTo(triaged));
        Assert.That(_accessLog.Entries.Count(e => e.Action == ReviewAccessAction.Triaged), Is.EqualTo(1), "one triage, one entry, however many attempts");
    }

    [Test]
    public async Task Concurrent_triages_all_land_one_version_after_another()
    {
        var inbox = Inbox();
        var reportId = await ReportAsync(inbox, FeedbackCategory.Wrong);
        var reviewers = Enumerable.Range(0, 12).Select(i => "reviewer-" + i).ToArray();

        var triaged = await Task.WhenAll(reviewers.Select(name => Task.Run(() =>
            inbox.TriageAsync(Reviewer(name), reportId, FeedbackTriageStatus.Dismissed, null, CancellationToken.None))));

        Assert.That(triaged.Select(e => e.Version).Order(), Is.EqualTo(Enumerable.Range(2, 12).Select(v => (long)v)));
        var stored = await _store.GetAsync(reportId, CancellationToken.None);
        Assert.That(stored!.Version, Is.EqualTo(13));
        Assert.That(stored, Is.EqualTo(triaged.Single(e => e.Version == 13)));
        Assert.That(_accessLog.Entries.Where(e => e.Action == ReviewAccessAction.Triaged).Select(e => e.Principal), Is.EquivalentTo(reviewers));
    }

    [Test]
    public async Task A_triage_is_retried_a_bounded_number_of_times()
    {
        var inbox = Inbox(store: new RacingFeedbackStore(_store, raceEveryTime: true));
        var reportId = await ReportAsync(inbox, FeedbackCategory.Wrong);

        var error = Assert.ThrowsAsync<InvalidOperationException>(() => inbox.TriageAsync(Reviewer("rita"), reportId, FeedbackTriageStatus.Confirmed, null, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain(reportId).And.Contain("100 times"));
        Assert.That((await _store.GetAsync(reportId, CancellationToken.None))!.TriagedBy, Is.EqualTo("other-process"));
    }

    [Test]
    public async Task A_reviewer_reads_a_reports_access_log_oldest_first()
    {
        var inbox = Inbox();
        var reportId = await ReportAsync(inbox, FeedbackCategory.Wrong);
        var other = await ReportAsync(inbox, FeedbackCategory.Wrong);
        await inbox.OpenAsync(Reviewer("rita"), reportId, CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(1));
        await inbox.OpenAsync(Reviewer("sam"), other, CancellationToken.None);
        await inbox.TriageAsync(Reviewer("sam"), reportId, FeedbackTriageStatus.Dismissed, null, CancellationToken.None);

        var log = await inbox.GetAccessLogAsync(Reviewer("rita"), reportId, CancellationToken.None);

        Assert.That(log, Is.EqualTo(new[]
        {
            new ReviewAccessEntry(reportId, "rita", ReviewAccessAction.Read, s_start),
            new ReviewAccessEntry(reportId, "sam", ReviewAccessAction.Triaged, s_start.AddMinutes(1)),
        }));
    }

    [Test]
    public async Task The_access_log_is_closed_to_non_reviewers_and_to_subjects_that_are_not_reports()
    {
        var inbox = Inbox();
        var reportId = await ReportAsync(inbox, FeedbackCategory.Wrong);
        Assert.ThrowsAsync<ReviewAccessDeniedException>(() => inbox.ListAsync(User("mallory"), null, CancellationToken.None));

        Assert.ThrowsAsync<ReviewAccessDeniedException>(() => inbox.GetAccessLogAsync(User("mallory"), reportId, CancellationToken.None));
        Assert.ThrowsAsync<ReviewNotFoundException>(() => inbox.GetAccessLogAsync(Reviewer("rita"), "some-review-id", CancellationToken.None));
        var refusedListings = await inbox.GetAccessLogAsync(Reviewer("rita"), FeedbackInbox.InboxSubjectId, CancellationToken.None);

        Assert.That(refusedListings.Select(e => (e.Principal, e.Action)), Is.EqualTo(new[] { ("mallory", ReviewAccessAction.Denied) }));
        Assert.That(_accessLog.Entries.Where(e => e.SubjectId == reportId).Select(e => (e.Principal, e.Action)), Is.EqualTo(new[] { ("mallory", ReviewAccessAction.Denied) }));
    }

    [Test]
    public async Task A_principal_without_a_name_is_refused_whatever_the_authorization_says_because_the_log_could_not_name_it()
    {
        var admitEveryone = new Mock<IReviewerAuthorization>();
        admitEveryone.Setup(a => a.IsAuthorizedAsync(It.IsAny<ClaimsPrincipal>(), It.IsAny<ReviewSummary?>(), It.IsAny<CancellationToken>())).ReturnsAsync(true);
        var inbox = Inbox(authorization: admitEveryone.Object);
        var reportId = await ReportAsync(inbox, FeedbackCategory.Privacy);

        var error = Assert.ThrowsAsync<ReviewAccessDeniedException>(() => inbox.OpenAsync(new ClaimsPrincipal(new ClaimsIdentity()), reportId, CancellationToken.None));

        Assert.That(error!.Principal, Is.EqualTo("(anonymous)"));
        Assert.That(_accessLog.Entries.Select(e => (e.SubjectId, e.Principal, e.Action)), Is.EqualTo(new[] { (reportId, "(anonymous)", ReviewAccessAction.Denied) }));
        admitEveryone.Verify(a => a.IsAuthorizedAsync(It.IsAny<ClaimsPrincipal>(), It.IsAny<ReviewSummary?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public void Reviewer_methods_refuse_empty_report_ids()
    {
        var inbox = Inbox();

        Assert.ThrowsAsync<ArgumentException>(() => inbox.OpenAsync(Reviewer("rita"), "", CancellationToken.None));
        Assert.ThrowsAsync<ArgumentException>(() => inbox.TriageAsync(Reviewer("rita"), "", FeedbackTriageStatus.Confirmed, null, CancellationToken.None));
        Assert.ThrowsAsync<ArgumentException>(() => inbox.GetAccessLogAsync(Reviewer("rita"), "", CancellationToken.None));
        Assert.ThrowsAsync<ArgumentNullException>(() => inbox.ListAsync(null!, null, CancellationToken.None));
    }

    [Test]
    public void The_required_collaborators_are_required()
    {
        var authorization = new RoleReviewerAuthorization(Role);
        Assert.Throws<ArgumentNullException>(() => _ = new FeedbackInbox(null!, _accessLog, authorization, _protector, _time));
        Assert.Throws<ArgumentNullException>(() => _ = new FeedbackInbox(_store, null!, authorization, _protector, _time));
        Assert.Throws<ArgumentNullException>(() => _ = new FeedbackInbox(_store, _accessLog, null!, _protector, _time));
        Assert.Throws<ArgumentNullException>(() => _ = new FeedbackInbox(_store, _accessLog, authorization, null!, _time));
        Assert.Throws<ArgumentNullException>(() => _ = new FeedbackInbox(_store, _accessLog, authorization, _protector, null!));
    }

    private static ClaimsPrincipal Reviewer(string name) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, Role)], "test"));

    private static ClaimsPrincipal User(string name) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], "test"));

    private static ReviewSummary Summary(string reviewId, string asker) => new(
        reviewId, "audit-held", ReviewStatus.Pending, "review.risk_domain", "RiskDomainReview", "medical", asker,
        s_start, s_start.AddHours(24), Escalations: 0, ClaimedBy: null, ClaimExpiresAt: null, Outcome: null, DecidedBy: null, DecidedAt: null);

    private FeedbackInbox Inbox(
        bool withAuditReader = true,
        AnomalyMonitor? monitor = null,
        IHumanReviewQueue? reviews = null,
        IFeedbackStore? store = null,
        IReviewerAuthorization? authorization = null) => new(
            store ?? _store,
            _accessLog,
            authorization ?? new RoleReviewerAuthorization(Role, _hasher),
            _protector,
            _time,
            withAuditReader ? _audit : null,
            reviews,
            monitor,
            _services.GetRequiredService<IMeterFactory>(),
            _loggerFactory);

    private AnomalyMonitor Monitor(int feedbackThreshold) =>
        new(new AnomalyOptions { FeedbackThreshold = feedbackThreshold }, new InMemoryUserAccessPolicy(_time), _dispatcher, _time, _loggerFactory);

    private MetricCollector<long> Collect() =>
        new(_services.GetRequiredService<IMeterFactory>(), SafeOpenAITelemetry.SourceName, SafeOpenAITelemetry.FeedbackReportsMetric);

    /// <summary>Puts the audit record of one finished call on the shelf; returns its audit id.</summary>
    private string AuditedCall(string? reviewId = null) => _audit.Put(new AuditRecord
    {
        AuditId = "audit-" + Interlocked.Increment(ref _auditSequence),
        Timestamp = _time.GetUtcNow(),
        SafetyIdentifier = "asker",
        Model = "gpt-4o-mini",
        Outcome = reviewId is null ? AuditOutcome.Completed : AuditOutcome.PendingReview,
        InputHash = "input-hash",
        VerdictCodes = [],
        ReviewId = reviewId,
    }).AuditId;

    private async Task<string> ReportAsync(FeedbackInbox inbox, FeedbackCategory category) =>
        (await inbox.ReportAsync(new FeedbackReport(AuditedCall(), category, Comment, "r1"), CancellationToken.None)).ReportId;

    /// <summary>Waits until the dispatcher delivered everything queued so far; returns the alerts since the last call.</summary>
    private async Task<IReadOnlyList<SafetyAlert>> AlertsAsync()
    {
        var marker = new SafetyAlert("test.marker", AlertScope.Global, null, 0, 0, "count", TimeSpan.Zero, s_start);
        var before = _alertSink.Alerts.Count;
        _dispatcher.Enqueue(marker);
        await _alertSink.WaitForAsync(before + 1);
        var alerts = _alertSink.Alerts.Where(a => a.Rule != marker.Rule).ToArray();
        return alerts;
    }

    /// <summary>
    /// A real store with another process in front of it: before a replacement it triages the report
    /// itself (once, or every time), so the replacement finds the version moved on.
    /// </summary>
    private sealed class RacingFeedbackStore(IFeedbackStore inner, bool raceEveryTime = false) : IFeedbackStore
    {
        public bool Raced { get; private set; }

        public Task AddAsync(FeedbackEntry entry, CancellationToken cancellationToken) => inner.AddAsync(entry, cancellationToken);

        public Task<FeedbackEntry?> GetAsync(string reportId, CancellationToken cancellationToken) => inner.GetAsync(reportId, cancellationToken);

        public Task<IReadOnlyList<FeedbackEntry>> ListAsync(FeedbackQuery query, CancellationToken cancellationToken) => inner.ListAsync(query, cancellationToken);

        public async Task<bool> TryReplaceAsync(FeedbackEntry updated, long expectedVersion, CancellationToken cancellationToken)
        {
            if (raceEveryTime || !Raced)
            {
                Raced = true;
                var current = (await inner.GetAsync(updated.ReportId, cancellationToken))!;
                var other = current with { Triage = FeedbackTriageStatus.Dismissed, TriagedBy = "other-process", Version = current.Version + 1 };
                Assert.That(await inner.TryReplaceAsync(other, current.Version, cancellationToken), Is.True);
            }

            return await inner.TryReplaceAsync(updated, expectedVersion, cancellationToken);
        }
    }
}
