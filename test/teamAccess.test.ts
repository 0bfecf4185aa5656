// A team's read-only roles (issue 20): mapped from `platform:access.teams[].readOnly` to the team's
// read-only group by the cluster layer, and that group bound to the team's view Role by the
// workloads layer; a role in two places of platform:access is refused (EKS keeps one access entry
// per principal).
import { strict as assert } from "assert";
import { teamReadOnlyGroup } from "../lib/accessMappings";
import { synthesize } from "../synth/synth";
import { configWith, entriesWith, layerOf, problemsOf, resourcesOf } from "./helpers";

const TEAM = "arn:aws:iam::111122223333:role/team-a";
const VIEWER = "arn:aws:iam::111122223333:role/team-a-oncall";
const access = (readOnly: string[]) => ({ "platform:access": { teams: [{ name: "team-a", roleArn: TEAM, namespaces: ["team-a"], readOnly }] } });

describe("a team's read-only roles", function () {
    this.timeout(120_000);

    it("get an access entry in the team's read-only group, which the team's view Role is bound to", async () => {
        const { plan } = await synthesize(configWith(access([VIEWER])));
        const entries = resourcesOf(plan, "cluster", "aws:eks/accessEntry:AccessEntry").map((r) => r.inputs as { principalArn: string; kubernetesGroups?: string[] });
        assert.deepEqual(entries.find((e) => e.principalArn === VIEWER)?.kubernetesGroups, ["team:team-a:read-only"]);
        assert.equal(teamReadOnlyGroup("team-a"), "team:team-a:read-only");
        assert.deepEqual(layerOf(plan, "cluster").outputs.teamReadOnlyGroups, { "team-a": "team:team-a:read-only" });
        const binding = resourcesOf(plan, "workloads", "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding")
            .map((r) => r.inputs as { metadata: { name: string; namespace: string }; subjects: { name: string }[] })
            .find((b) => b.metadata.namespace === "team-a" && b.metadata.name === "team-view");
        assert.deepEqual(binding?.subjects.map((s) => s.name), ["team:team-a:read-only"]);
    });

    it("a role in two places of platform:access is refused, naming both", () => {
        assert.deepEqual(problemsOf(entriesWith({ ...access([TEAM]) })), [
            `platform:access.teams[0].readOnly[0]: "${TEAM}" is already platform:access.teams[0].roleArn: EKS keeps one access entry per role, so give it one place`,
        ]);
        assert.deepEqual(problemsOf(entriesWith({ "platform:access": { admins: [VIEWER], readOnly: [VIEWER] } })), [
            `platform:access.readOnly[0]: "${VIEWER}" is already platform:access.admins[0]: EKS keeps one access entry per role, so give it one place`,
        ]);
    });
});
