// The one mock engine: serves `npm run synth` and the tests. It records every registration
// (type, name, parent, dependencies, inputs, protection), answers with fixtures, feeds upstream
// layers' outputs to StackReferences, and fails loudly on a remote component or a data-source
// call it has no fixture for.
import * as pulumi from "@pulumi/pulumi";
import type { PlannedResource } from "./plan";
import type { ModeledChild } from "./remoteComponents";
import {
    ACCOUNT_ID,
    CALL_FIXTURES,
    RESOURCE_FIXTURES,
    genericResource,
    type CallFixture,
    type FixtureContext,
    type ResourceFixture,
} from "./fixtures";
import { withoutDebugStacks } from "./debugStacks";
import { FailureCapture, promiseOf, reasonOf } from "./failures";
import { changedFrom, readable, SECRET } from "./wire";
import { AWS_PROVIDER, AwsProviders, providerUrnOf } from "./awsProviders";

export { readable, SECRET };

// The runtime's monitor is not in @pulumi/pulumi's typed surface.
/* eslint-disable @typescript-eslint/no-require-imports */
const settings = require("@pulumi/pulumi/runtime/settings") as { getMonitor(): unknown; waitForRPCs(): Promise<void> };
const { runInPulumiStack } = require("@pulumi/pulumi/runtime/stack") as { runInPulumiStack(init: () => Promise<unknown>): Promise<unknown> };
/* eslint-enable @typescript-eslint/no-require-imports */

export type { PlannedResource };

export interface StackOutputs {
    outputs: Record<string, unknown>;
    secretNames: string[];
}

interface RegisterRequest {
    getType(): string; getName(): string; getParent(): string; getCustom(): boolean; getRemote(): boolean;
    getProtect(): boolean; getRetainondelete(): boolean; getDependenciesList(): string[];
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
    /** `urn::id` of the explicit provider of a custom resource; empty for the default provider. */
    getProvider(): string;
    /** A component's providers by package (`aws` -> `urn::id`), as its children inherit them. */
    getProvidersMap(): { toArray(): [string, string][] };
}
interface RegisterResponse { getUrn(): string; getId?(): string; getObject?(): { toJavaScript(): Record<string, unknown> } | undefined; getProperties?(): { toJavaScript(): Record<string, unknown> } | undefined }
type Callback = (err: Error | null, resp?: RegisterResponse) => void;
interface ReadRequest { getId(): string; getType(): string; getName(): string; getParent(): string; getDependenciesList(): string[]; getProperties(): ReturnType<RegisterRequest["getObject"]> }
interface Monitor { registerResource(req: RegisterRequest, cb: Callback): void; readResource(req: ReadRequest, cb: Callback): void }

export class MockEngine implements pulumi.runtime.Mocks {
    readonly resources: PlannedResource[] = [];
    readonly errors: string[] = [];
    /** The data sources the program called, in order (type tokens): the deploy path reads which AWS APIs they reach. */
    readonly calls: string[] = [];
    /** Deployed stacks by fully qualified name (`organization/project/stack`). */
    readonly stacks = new Map<string, StackOutputs>();
    readonly ctx: FixtureContext;
    /** The stack being synthesized (`organization/project/stack`). */
    private current = "";
    /** Children a fixture modeled for a remote component, until the component's URN is known. */
    private readonly modeled = new Map<string, ModeledChild[]>();
    /** The AWS providers registered so far, for the `tagsAll` each resource gets. */
    private readonly awsProviders: AwsProviders;

    constructor(
        region: string,
        readonly resourceFixtures: Record<string, ResourceFixture> = RESOURCE_FIXTURES,
        readonly callFixtures: Record<string, CallFixture> = CALL_FIXTURES,
        /** The account the engine plays (`platform:accountId`); a stand-in when the config names none. */
        accountId: string = ACCOUNT_ID,
        /** `aws:defaultTags.tags` of the environment file: what the stack's default AWS provider applies. */
        defaultProviderTags: Record<string, string> = {},
    ) {
        this.ctx = { region, accountId };
        this.awsProviders = new AwsProviders(defaultProviderTags);
    }

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
        if (args.type === "pulumi:pulumi:StackReference") {
            const name = String(args.inputs.name);
            // A stack reading its own last deployment: nothing deployed yet unless a test seeded it.
            const stack = this.stacks.get(name) ?? (name === this.current ? { outputs: {}, secretNames: [] } : undefined);
            if (!stack) return this.fail(`stack ${name} does not exist: deploy it first (the synth runs the layers in order)`);
            return { id: name, state: { name, outputs: stack.outputs, secretOutputNames: stack.secretNames } };
        }
        const fixture = this.resourceFixtures[args.type];
        if (fixture) {
            const { id, state, children } = fixture(args, this.ctx);
            if (children?.length) this.modeled.set(`${args.type}::${args.name}`, children);
            return { id: id ?? (args.custom ? `${args.name}-id` : undefined), state };
        }
        if (!args.custom) return { id: undefined, state: {} };
        return genericResource(args, this.ctx);
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        this.calls.push(args.token);
        const fixture = this.callFixtures[args.token];
        if (!fixture) return this.fail(`no fixture for the data source ${args.token}: add one to synth/fixtures.ts`);
        return fixture(args.inputs, this.ctx);
    }

    private fail(message: string): never {
        this.errors.push(message);
        // Pulumi re-throws a failed data-source call with the error's `details` as its message.
        throw Object.assign(new Error(message), { details: message });
    }

    /** Points the Pulumi runtime at this engine as the given stack, recording every registration. */
    async install(project: string, stack: string, organization: string): Promise<void> {
        await pulumi.runtime.setMocks(this, project, stack, false, organization);
        this.current = `${organization}/${project}/${stack}`;
        const monitor = settings.getMonitor() as Monitor;
        const register = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req, cb) => {
            if (req.getRemote() && !this.resourceFixtures[req.getType()]) {
                const message = `no fixture for the remote component ${req.getType()} ("${req.getName()}"): add one to synth/fixtures.ts`;
                this.errors.push(message);
                cb(new Error(message));
                return;
            }
            register(req, (err, resp) => {
                if (err) this.noteError(req.getType(), req.getName(), err);
                else if (resp) {
                    const providers = Object.fromEntries(req.getProvidersMap().toArray().map(([pkg, ref]) => [pkg, providerUrnOf(ref)]));
                    this.record(req, resp, providers);
                    this.recordModeled(req.getType(), req.getName(), resp.getUrn(), req.getProtect(), providers.aws);
                }
                cb(err, resp);
            });
        };
        // Reads (StackReferences, `.get` lookups) appear in the plan too.
        const read = monitor.readResource.bind(monitor);
        monitor.readResource = (req, cb) =>
            read(req, (err, resp) => {
                if (err) this.noteError(req.getType(), req.getName(), err);
                else if (resp) this.recordRead(req, resp);
                cb(err, resp);
            });
    }

    /** A failed registration, unless the engine itself raised it (then it is already noted). */
    private noteError(type: string, name: string, err: Error): void {
        if (!this.errors.some((e) => err.message.includes(e))) this.errors.push(`${type} "${name}": ${err.message}`);
    }

    /** A read (StackReference, `.get`): a custom resource the program does not own. */
    private recordRead(req: ReadRequest, resp: RegisterResponse): void {
        const state = resp.getProperties?.();
        this.push(req, resp, req.getId(), req.getProperties(), state, { custom: true, remote: false, protect: false, retainOnDelete: false });
    }

    private record(req: RegisterRequest, resp: RegisterResponse, providers: Record<string, string>): void {
        if (req.getType() === "pulumi:pulumi:Stack") return;
        const provider = req.getProvider() ? providerUrnOf(req.getProvider()) : undefined;
        this.push(req, resp, resp.getId?.(), req.getObject(), resp.getObject?.(), {
            custom: req.getCustom(),
            remote: req.getRemote(),
            protect: req.getProtect(),
            retainOnDelete: req.getRetainondelete(),
            ...(req.getCustom() && provider ? { provider } : {}),
            ...(req.getRemote() && Object.keys(providers).length ? { providers } : {}),
        });
    }

    /**
     * A remote component's modeled children, beneath it (or beneath one another), with the ids and
     * outputs the fixture gave them so references to them resolve; marked `modeled`.
     */
    private recordModeled(type: string, name: string, componentUrn: string, protect: boolean, awsProvider: string | undefined): void {
        const key = `${type}::${name}`;
        const children = this.modeled.get(key);
        if (!children) return;
        this.modeled.delete(key);
        const [prefix, project] = componentUrn.split("::");
        const urns = new Map<string, string>();
        for (const c of children) {
            const parentUrn = c.parent === undefined ? componentUrn : urns.get(c.parent);
            if (!parentUrn) throw new Error(`${type} "${name}": modeled child ${c.name} names a parent ${c.parent} modeled after it`);
            // As the mock monitor forms URNs: the parent's own type, then the child's.
            const parentType = parentUrn.split("::")[2].split("$").pop();
            const urn = `${prefix}::${project}::${parentType}$${c.type}::${c.name}`;
            // Only a component can be a parent.
            if (c.custom === false) urns.set(c.name, urn);
            // The component's AWS provider serves its children (pulumi-eks creates them with `{ parent }`);
            // what AWS creates itself (`AWS: ...`) no provider of ours touches, nor its default tags.
            const provider = c.type.startsWith("aws:") && (c.custom ?? true) && !c.source.startsWith("AWS:") ? awsProvider : undefined;
            const wire = readable(c.inputs) as Record<string, unknown>;
            const inputs = c.source.startsWith("AWS:") ? wire : this.awsProviders.checked(c.type, provider, wire);
            const outputs = changedFrom(inputs, readable(c.outputs ?? {}) as Record<string, unknown>);
            this.resources.push({
                urn,
                type: c.type,
                name: c.name,
                parent: parentUrn,
                dependsOn: [],
                inputs: JSON.parse(JSON.stringify(inputs)) as Record<string, unknown>,
                custom: c.custom ?? true,
                remote: false,
                // Children inherit their parent's protect option.
                protect,
                retainOnDelete: false,
                ...(provider ? { provider } : {}),
                ...(c.id ? { id: c.id } : {}),
                ...(Object.keys(outputs).length ? { outputs } : {}),
                modeled: true,
                modeledFrom: c.source,
            });
        }
    }

    private push(
        req: Pick<RegisterRequest, "getType" | "getName" | "getParent" | "getDependenciesList">,
        resp: RegisterResponse,
        answeredId: string | undefined,
        properties: ReturnType<RegisterRequest["getObject"]>,
        state: ReturnType<RegisterRequest["getObject"]>,
        flags: Pick<PlannedResource, "custom" | "remote" | "protect" | "retainOnDelete" | "provider" | "providers">,
    ): void {
        const wire = readable(properties?.toJavaScript() ?? {}) as Record<string, unknown>;
        if (req.getType() === AWS_PROVIDER) this.awsProviders.record(resp.getUrn(), wire);
        const inputs = flags.custom ? this.awsProviders.checked(req.getType(), flags.provider, wire) : wire;
        const outputs = changedFrom(inputs, readable(state?.toJavaScript() ?? {}) as Record<string, unknown>);
        const id = answeredId || undefined;
        this.resources.push({
            urn: resp.getUrn(),
            type: req.getType(),
            name: req.getName(),
            parent: req.getParent() || undefined,
            dependsOn: [...new Set(req.getDependenciesList())].sort(),
            inputs,
            ...(id ? { id } : {}),
            ...(Object.keys(outputs).length ? { outputs } : {}),
            ...flags,
        });
    }

    /**
     * Runs a program as the root of a stack and waits for every registration; returns what the
     * program returned (its outputs, still as Pulumi outputs). Fails when anything failed: the
     * program, a registration (inputs that rejected: a throw inside `apply`), or a promise nobody
     * awaited; every such problem is in `errors`, naming the resource, its component and the reason.
     */
    async run<T>(program: () => Promise<T>): Promise<T> {
        return withoutDebugStacks(() => this.runProgram(program));
    }

    private async runProgram<T>(program: () => Promise<T>): Promise<T> {
        let result: T | undefined;
        let failure: unknown;
        const capture = new FailureCapture();
        capture.start();
        try {
            await runInPulumiStack(async () => {
                result = await program();
                return result;
            });
        } catch (err) {
            failure = err;
        } finally {
            await settings.waitForRPCs();
            await capture.stop();
        }
        const problems = capture.problems([...this.errors, ...(failure ? [reasonOf(failure)] : [])]);
        this.errors.push(...problems);
        if (failure) throw failure;
        if (problems.length > 0) throw new Error(problems.join("\n"));
        return result as T;
    }
}

/** Resolves a program's outputs (nested objects of Pulumi outputs) with the names of the secret ones. */
export async function resolveOutputs(outputs: Record<string, unknown>, prefix = ""): Promise<StackOutputs> {
    const result: StackOutputs = { outputs: {}, secretNames: [] };
    for (const [key, value] of Object.entries(outputs)) {
        if (pulumi.Output.isInstance(value)) {
            const out = value as pulumi.Output<unknown>;
            result.outputs[key] = await promiseOf(out);
            if (await pulumi.isSecret(out)) result.secretNames.push(prefix + key);
        } else if (value && typeof value === "object" && !Array.isArray(value)) {
            const nested = await resolveOutputs(value as Record<string, unknown>, `${prefix}${key}.`);
            result.outputs[key] = nested.outputs;
            result.secretNames.push(...nested.secretNames);
        } else {
            result.outputs[key] = value;
        }
    }
    return result;
}
