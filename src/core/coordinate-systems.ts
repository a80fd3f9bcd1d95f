/**
 * How a model states a box. Models differ (shared/reference/dialects.md): DeepEyes and most code
 * tools give absolute pixels; Qwen2.5-VL gives absolute pixels of the resized image it was shown,
 * which Loupe calls `view`; Qwen2-VL and Qwen3-VL give integers in 0..1000 of each side; R1V4's
 * code crops by fractions of the size. Profiles name the one their model writes.
 */
export const coordinateSystems = ["pixel", "view", "fraction", "qwen1000"] as const;
export type CoordinateSystem = (typeof coordinateSystems)[number];
