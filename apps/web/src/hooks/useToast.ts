import { useMemo } from "react";
import { useAppDispatch } from "../store/index.ts";
import { showToast } from "../store/paasSlice.ts";

export function useToast() {
  const dispatch = useAppDispatch();
  return useMemo(
    () => ({
      success: (message: string) => dispatch(showToast("success", message)),
      error: (message: string) => dispatch(showToast("error", message)),
    }),
    [dispatch],
  );
}
