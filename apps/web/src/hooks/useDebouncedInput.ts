import { useEffect, useRef, useState } from "react";

const DEBOUNCE_MS = 250;

/**
 * A text field's value that `commit`s once typing pauses: a search box filters without asking
 * the server on every keystroke. It starts from the committed value (kept in the store across
 * visits) and follows it when something else changes it, such as "Clear filters".
 */
export function useDebouncedInput(committed: string, commit: (value: string) => void, ms = DEBOUNCE_MS) {
  const [value, setValue] = useState(committed);
  const [seen, setSeen] = useState(committed);
  const sent = useRef(committed);
  const commitRef = useRef(commit);
  commitRef.current = commit;

  // Adjusting state while rendering (React's pattern for following a prop): our own commit coming back is not a change.
  if (committed !== seen) {
    setSeen(committed);
    if (committed !== sent.current) setValue(committed);
  }

  useEffect(() => {
    if (value === committed) return;
    const timer = setTimeout(() => {
      sent.current = value;
      commitRef.current(value);
    }, ms);
    return () => clearTimeout(timer);
  }, [value, committed, ms]);

  return [value, setValue] as const;
}
