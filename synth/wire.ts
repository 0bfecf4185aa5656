// The wire form of registrations made readable: secrets hidden, resource references as their URN,
// and outputs reduced to what the inputs do not already say.

// The runtime's wire format is not in @pulumi/pulumi's typed surface.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rpc = require("@pulumi/pulumi/runtime/rpc") as {
    specialSigKey: string; specialSecretSig: string; specialResourceSig: string; specialAssetSig: string;
    specialArchiveSig: string; specialOutputValueSig: string; unknownValue: string;
};

export const SECRET = "[secret]";

/** The outputs whose value is not the same as the input of that name (the rest the plan shows once, as inputs). */
export function changedFrom(inputs: Record<string, unknown>, outputs: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(outputs).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(inputs[k])));
}

/** The wire form of inputs made readable: secrets hidden, resource references as their URN. */
export function readable(value: unknown): unknown {
    if (value === rpc.unknownValue) return "[unknown]";
    if (Array.isArray(value)) return value.map(readable);
    if (value && typeof value === "object") {
        const o = value as Record<string, unknown>;
        switch (o[rpc.specialSigKey]) {
            case rpc.specialSecretSig: return SECRET;
            case rpc.specialResourceSig: return o.urn;
            case rpc.specialOutputValueSig: return o.secret ? SECRET : readable(o.value);
            case rpc.specialAssetSig:
            case rpc.specialArchiveSig: return o.path ?? o.uri ?? "[asset]";
        }
        return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, readable(v)]));
    }
    return value;
}
