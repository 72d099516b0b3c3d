namespace SafeOpenAI.Cli.Evaluation.Pii;

/// <summary>Precision, recall and F1 of one entity type (or a micro average), with the counts behind them.</summary>
internal sealed record PiiEntityScore(double Precision, double Recall, double F1, int Support, int Predicted, int MatchedGold, int MatchedPredicted)
{
    public static PiiEntityScore From(int support, int predicted, int matchedGold, int matchedPredicted)
    {
        var precision = predicted == 0 ? (support == 0 ? 1.0 : 0.0) : (double)matchedPredicted / predicted;
        var recall = support == 0 ? 1.0 : (double)matchedGold / support;
        var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new PiiEntityScore(precision, recall, f1, support, predicted, matchedGold, matchedPredicted);
    }
}
