import { useEffect, useState } from "react";

type Theme = "system" | "light" | "dark";
const order: Theme[] = ["system", "light", "dark"];

function storedTheme(): Theme {
  try {
    const value = localStorage.getItem("loupe-theme");
    return value === "light" || value === "dark" ? value : "system";
  } catch {
    return "system";
  }
}

/** Light, dark or the system's (prefers-color-scheme): set on <html data-theme>, remembered. */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(storedTheme);
  useEffect(() => {
    if (theme === "system") delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
    try {
      localStorage.setItem("loupe-theme", theme);
    } catch {}
  }, [theme]);
  const next = order[(order.indexOf(theme) + 1) % order.length] as Theme;
  return (
    <button
      type="button"
      className="theme-toggle"
      onClick={() => setTheme(next)}
      aria-label={`Theme: ${theme}. Switch to ${next}.`}
    >
      {theme === "dark" ? "☾" : theme === "light" ? "☀" : "◐"} {theme}
    </button>
  );
}
