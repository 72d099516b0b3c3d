using System.IO.Compression;
using System.Text;

namespace SafeOpenAI;

/// <summary>
/// The learned part of the prompt-injection detector: a logistic regression over the hashed
/// n-grams of <see cref="InjectionFeatures"/> (weights quantised to 8 bits) and the signals of
/// <see cref="InjectionSignals"/>, with the decision thresholds chosen by cross-validation. Trained
/// by <c>tools/SafeOpenAI.InjectionTrainer</c> and embedded as a resource; its card is
/// <c>docs/prompt-injection.md</c>. Immutable and thread-safe.
/// </summary>
internal sealed class InjectionModel
{
    /// <summary>The name of the embedded resource.</summary>
    public const string ResourceName = "SafeOpenAI.Injection.Model.injection-model.bin";

    private const uint Magic = 0x4A494F53; // "SOIJ"
    private const int Version = 1;

    private static readonly Lazy<InjectionModel> s_default = new(LoadEmbedded, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Creates a model from its parts.</summary>
    /// <param name="bias">The intercept.</param>
    /// <param name="signalWeights">One weight per signal, in <see cref="InjectionSignals.AllNames"/> order.</param>
    /// <param name="weights">The quantised bucket weights, <see cref="InjectionFeatures.Buckets"/> of them.</param>
    /// <param name="scale">The weight of one quantisation step.</param>
    /// <param name="promptThreshold">The probability at or above which a prompt is an injection.</param>
    /// <param name="documentThreshold">The probability at or above which a document is an injection.</param>
    public InjectionModel(float bias, float[] signalWeights, sbyte[] weights, float scale, float promptThreshold, float documentThreshold)
    {
        Bias = bias;
        SignalWeights = signalWeights;
        Weights = weights;
        Scale = scale;
        PromptThreshold = promptThreshold;
        DocumentThreshold = documentThreshold;
    }

    /// <summary>Gets the embedded model, loaded on first use.</summary>
    public static InjectionModel Default => s_default.Value;

    public float Bias { get; }

    public float[] SignalWeights { get; }

    public sbyte[] Weights { get; }

    public float Scale { get; }

    public float PromptThreshold { get; }

    public float DocumentThreshold { get; }

    /// <summary>Reads a model written by <see cref="Write"/>.</summary>
    /// <param name="stream">The deflate-compressed model.</param>
    /// <returns>The model.</returns>
    /// <exception cref="InvalidDataException">The stream is not a model of this version.</exception>
    public static InjectionModel Read(Stream stream)
    {
        using var deflate = new DeflateStream(stream, CompressionMode.Decompress, leaveOpen: true);
        using var reader = new BinaryReader(deflate, Encoding.UTF8, leaveOpen: true);
        if (reader.ReadUInt32() != Magic || reader.ReadInt32() != Version || reader.ReadInt32() != InjectionFeatures.Bits)
        {
            throw new InvalidDataException("Not a SafeOpenAI prompt-injection model of this version.");
        }

        var signalCount = reader.ReadInt32();
        var signals = new float[InjectionSignals.Count];
        for (var i = 0; i < signalCount; i++)
        {
            var name = reader.ReadString();
            var weight = reader.ReadSingle();
            var index = Array.IndexOf(InjectionSignals.AllNames, name);
            if (index < 0)
            {
                throw new InvalidDataException("The model names a signal this version does not have.");
            }

            signals[index] = weight;
        }

        var bias = reader.ReadSingle();
        var scale = reader.ReadSingle();
        var promptThreshold = reader.ReadSingle();
        var documentThreshold = reader.ReadSingle();
        var weights = new sbyte[InjectionFeatures.Buckets];
        var bytes = reader.ReadBytes(weights.Length);
        if (bytes.Length != weights.Length)
        {
            throw new InvalidDataException("The model is truncated.");
        }

        Buffer.BlockCopy(bytes, 0, weights, 0, bytes.Length);
        return new InjectionModel(bias, signals, weights, scale, promptThreshold, documentThreshold);
    }

    /// <summary>Writes the model, deflate-compressed.</summary>
    /// <param name="stream">The destination.</param>
    public void Write(Stream stream)
    {
        using var deflate = new DeflateStream(stream, CompressionLevel.SmallestSize, leaveOpen: true);
        using var writer = new BinaryWriter(deflate, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write(InjectionFeatures.Bits);
        writer.Write(InjectionSignals.Count);
        for (var i = 0; i < InjectionSignals.Count; i++)
        {
            writer.Write(InjectionSignals.AllNames[i]);
            writer.Write(SignalWeights[i]);
        }

        writer.Write(Bias);
        writer.Write(Scale);
        writer.Write(PromptThreshold);
        writer.Write(DocumentThreshold);
        var bytes = new byte[Weights.Length];
        Buffer.BlockCopy(Weights, 0, bytes, 0, bytes.Length);
        writer.Write(bytes);
    }

    /// <summary>Scores one window: the probability that it is an injection.</summary>
    /// <param name="window">A window of normalised text.</param>
    /// <param name="signalBits">The signals that fired in it.</param>
    /// <returns>A probability in [0, 1].</returns>
    public double Score(ReadOnlySpan<char> window, int signalBits)
    {
        var sink = new ScoringSink(Weights);
        InjectionFeatures.Extract(window, ref sink);
        var z = (double)Bias;
        if (sink.CharCount > 0)
        {
            z += Scale * sink.CharSum / Math.Sqrt(sink.CharCount);
        }

        if (sink.WordCount > 0)
        {
            z += Scale * sink.WordSum / Math.Sqrt(sink.WordCount);
        }

        for (var i = 0; signalBits != 0 && i < SignalWeights.Length; i++)
        {
            if ((signalBits & (1 << i)) != 0)
            {
                z += SignalWeights[i];
            }
        }

        return 1.0 / (1.0 + Math.Exp(-z));
    }

    private static InjectionModel LoadEmbedded()
    {
        using var stream = typeof(InjectionModel).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded prompt-injection model '{ResourceName}' is missing from the assembly.");
        return Read(stream);
    }

    private struct ScoringSink(sbyte[] weights) : InjectionFeatures.ISink
    {
        public long CharSum;
        public int CharCount;
        public long WordSum;
        public int WordCount;

        public void Char(int bucket)
        {
            CharSum += weights[bucket];
            CharCount++;
        }

        public void Word(int bucket)
        {
            WordSum += weights[bucket];
            WordCount++;
        }
    }
}
