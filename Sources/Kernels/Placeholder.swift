public enum KernelsPlaceholder { public static let x = 1 }
