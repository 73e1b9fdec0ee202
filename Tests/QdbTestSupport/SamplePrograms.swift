/// Python programs that several suites debug; their line numbers are part
/// of what the tests expect, so edit them together with those tests.
public enum SamplePrograms {
    /// Two nested calls at module level: line 13 calls `outer`, which calls
    /// `add` on line 8; `print` on line 14 writes "y is 3".
    public static let nestedCalls = """
        def add(a, b):
            total = a + b
            return total


        def outer(n):
            doubled = n * 2
            result = add(doubled, 1)
            return result


        x = 1
        y = outer(x)
        print('y is', y)
        z = y + 1
        """
}
