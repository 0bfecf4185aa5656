// A problem the config rules find: where (below the `platform:` namespace) and which rule it breaks.
// Its own file so the schema's parts (applications, images) can report problems without importing
// the rules, which import the schema.
export interface Problem {
    /** Path below the namespace, e.g. ["subnets", "privatePrefixLength"]. */
    path: (string | number)[];
    message: string;
}
