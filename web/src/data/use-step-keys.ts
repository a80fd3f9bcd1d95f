import { useEffect } from "react";

/** j / ArrowDown / ArrowRight: next step; k / ArrowUp / ArrowLeft: previous (not while typing). */
export function useStepKeys(count: number, setStep: (update: (step: number) => number) => void): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      if (["j", "ArrowDown", "ArrowRight"].includes(event.key)) {
        event.preventDefault();
        setStep((step) => Math.min(count - 1, step + 1));
      } else if (["k", "ArrowUp", "ArrowLeft"].includes(event.key)) {
        event.preventDefault();
        setStep((step) => Math.max(0, step - 1));
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [count, setStep]);
}
