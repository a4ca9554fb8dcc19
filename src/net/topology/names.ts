/**
 * Switch names, made in one place for the generators and for anything that must know them without
 * building a topology (the scenario layer's layout and its checks): `spine-1`, `leaf-3`, `core-1`,
 * `aggregation-2`, `access-4`, in a deeper tree `aggregation2-3`, in a one-switch fabric `switch-1`,
 * and in a fat tree `pod-2-aggregation-1`, `pod-2-edge-1`.
 */

/**
 * The tiers the generators make switches in (the name's stem); `switch` is a one-switch fabric's, and
 * `aggregation1`, `aggregation2`, … the aggregation tiers of a tree with more than one.
 */
export type SwitchTier = 'spine' | 'leaf' | 'core' | 'aggregation' | 'access' | 'edge' | 'switch' | `aggregation${number}`;

/**
 * The name of switch `index` (0-based) of `tier`: `<tier>-<index + 1>`, or inside pod `pod` (1-based,
 * fat trees) `pod-<pod>-<tier>-<index + 1>`.
 */
export function switchName(tier: SwitchTier, index: number, pod?: number): string {
  return pod === undefined ? `${tier}-${index + 1}` : `pod-${pod}-${tier}-${index + 1}`;
}
