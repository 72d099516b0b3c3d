namespace SafeOpenAI.InjectionTrainer;

/// <summary>A sparse feature row: hashed buckets with values, and the signal bits.</summary>
internal sealed record Sparse(int[] Index, float[] Value, int Bits);

internal sealed record TrainConfig(int Epochs, double LearningRate, double L2, double L2Signals);

/// <summary>L2-regularised logistic regression trained with AdaGrad SGD (Duchi et al. 2011), classes weighted to balance.</summary>
internal sealed class Logistic
{
    private readonly double[] _w = new double[InjectionFeatures.Buckets];
    private readonly double[] _v = new double[InjectionSignals.Count];
    private double _b;

    public static Logistic Train(Sparse[] x, int[] y, double[] weight, int[] rows, TrainConfig config, int seed)
    {
        var m = new Logistic();
        var gw = new double[InjectionFeatures.Buckets];
        var gv = new double[InjectionSignals.Count];
        var gb = 0.0;
        var positives = rows.Where(i => y[i] == 1).Sum(i => weight[i]);
        var total = rows.Sum(i => weight[i]);
        var wPos = total / (2.0 * Math.Max(1e-9, positives));
        var wNeg = total / (2.0 * Math.Max(1e-9, total - positives));
        var random = new Random(seed);
        var order = rows.ToArray();
        for (var epoch = 0; epoch < config.Epochs; epoch++)
        {
            random.Shuffle(order);
            foreach (var i in order)
            {
                var p = m.Predict(x[i]);
                var g = (p - y[i]) * (y[i] == 1 ? wPos : wNeg) * weight[i];
                var row = x[i];
                for (var k = 0; k < row.Index.Length; k++)
                {
                    var j = row.Index[k];
                    var grad = (g * row.Value[k]) + (config.L2 * m._w[j]);
                    gw[j] += grad * grad;
                    m._w[j] -= config.LearningRate * grad / (Math.Sqrt(gw[j]) + 1e-8);
                }

                for (var s = 0; s < gv.Length; s++)
                {
                    if ((row.Bits & (1 << s)) != 0)
                    {
                        var grad = g + (config.L2Signals * m._v[s]);
                        gv[s] += grad * grad;
                        m._v[s] -= config.LearningRate * grad / (Math.Sqrt(gv[s]) + 1e-8);
                    }
                }

                gb += g * g;
                m._b -= config.LearningRate * g / (Math.Sqrt(gb) + 1e-8);
            }
        }

        return m;
    }

    public double Predict(Sparse row)
    {
        var z = _b;
        for (var k = 0; k < row.Index.Length; k++)
        {
            z += _w[row.Index[k]] * row.Value[k];
        }

        for (var s = 0; s < _v.Length; s++)
        {
            if ((row.Bits & (1 << s)) != 0)
            {
                z += _v[s];
            }
        }

        return 1 / (1 + Math.Exp(-z));
    }

    public InjectionModel Quantise(float promptThreshold, float documentThreshold)
    {
        var max = _w.Max(Math.Abs);
        var scale = (float)(max / 127.0);
        var q = new sbyte[_w.Length];
        for (var j = 0; j < q.Length; j++)
        {
            q[j] = (sbyte)Math.Clamp(Math.Round(_w[j] / scale), -127, 127);
        }

        return new InjectionModel((float)_b, _v.Select(v => (float)v).ToArray(), q, scale, promptThreshold, documentThreshold);
    }
}
