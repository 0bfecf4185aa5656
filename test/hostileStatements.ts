// IAM statements an application must never be given: each lets its role escalate privileges
// (write IAM, pass or assume any role, mint keys, rewrite a trust). Shared by the guard-rail tests
// and the generated bad input.
export const ESCALATING_STATEMENTS: readonly [actions: string[], resource: string][] = [
    [["iam:*"], "arn:aws:iam::111122223333:role/*"],
    [["iam:Put*", "iam:Attach*"], "*"],
    [["iam:PassRole"], "*"],
    [["sts:AssumeRole"], "*"],
    [["iam:CreateAccessKey"], "arn:aws:iam::111122223333:user/ci"],
    [["iam:UpdateAssumeRolePolicy"], "arn:aws:iam::111122223333:role/team-payments"],
];
