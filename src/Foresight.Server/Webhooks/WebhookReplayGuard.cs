using Foresight.Abstractions.Webhooks;
using Foresight.Server.Gateway;
using Microsoft.Extensions.Options;

namespace Foresight.Server.Webhooks;

/// <summary>
/// Replay protection for signed deliveries: each delivery's signature (the HMAC over its body) and its
/// <c>X-GitHub-Delivery</c> id are remembered for <see cref="GatewayOptions.WebhookReplayWindow"/> in the sharded
/// delivery log grains (so every silo agrees, and a restart forgets nothing). The same signed body under another
/// delivery id, or a delivery id seen with another body, is a duplicate. The same id with the same body (GitHub's
/// "Redeliver") is not: it goes on, and its run ids, derived from the delivery id, make it start nothing new.
/// </summary>
public sealed class WebhookReplayGuard(IGrainFactory grains, IOptions<GatewayOptions> options)
{
    /// <summary>Why the delivery is a duplicate, or null when it is new (or a redelivery of the same id and body).</summary>
    public async Task<string?> DuplicateAsync(string deliveryId, string signature)
    {
        ArgumentNullException.ThrowIfNull(deliveryId);
        ArgumentNullException.ThrowIfNull(signature);
        // The hex digits are accepted in either case: one body has one key.
        var body = signature.ToLowerInvariant();
        var firstId = await ClaimAsync($"signature:{body}", deliveryId);
        if (firstId is not null && firstId != deliveryId)
        {
            return $"duplicate: the same signed body was delivered as {firstId}; nothing started";
        }

        var firstBody = await ClaimAsync($"delivery:{deliveryId}", body);
        return firstBody is not null && firstBody != body
            ? $"duplicate: delivery {deliveryId} was received before with another body; nothing started"
            : null;
    }

    private Task<string?> ClaimAsync(string key, string value) =>
        grains.GetGrain<IDeliveryLogGrain>(IDeliveryLogGrain.ShardOf(key))
            .Claim(key, value, options.Value.WebhookReplayWindow, options.Value.WebhookReplayCapacity);
}
