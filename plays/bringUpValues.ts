// Reading a release's values: a value at a dotted path.
export type Values = Record<string, unknown>;

/** A value at a dotted path, or undefined. */
export function at(value: unknown, path: string): unknown {
    let cur = value;
    for (const key of path.split(".")) {
        if (cur === null || typeof cur !== "object") return undefined;
        cur = (cur as Values)[key];
    }
    return cur;
}
