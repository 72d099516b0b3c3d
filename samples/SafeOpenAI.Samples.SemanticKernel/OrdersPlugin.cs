using System.ComponentModel;
using Microsoft.SemanticKernel;

namespace SafeOpenAI.Samples.SemanticKernel;

/// <summary>
/// The one function the kernel offers the model. It counts its calls, so the sample can show that
/// Semantic Kernel ran it for an allowed call and never for a refused one.
/// </summary>
internal sealed class OrdersPlugin
{
    private int _calls;

    /// <summary>Gets how many times the model's calls ran the function.</summary>
    public int Calls => Volatile.Read(ref _calls);

    [KernelFunction("get_order_status")]
    [Description("Gets the shipping status of an order.")]
    public string GetOrderStatus([Description("The order number, for example A-1001.")] string orderId)
    {
        Interlocked.Increment(ref _calls);
        return $"Order {orderId}: shipped on 2026-11-20, arriving 2026-11-25.";
    }
}
