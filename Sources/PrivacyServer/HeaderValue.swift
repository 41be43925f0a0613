import HTTPTypes

extension HTTPFields {
    /// The value of the field `name` exactly as `self[name]` reads it (several fields joined the
    /// way that subscript joins them), without building a joined copy when there is just one
    /// field, the usual case. The subscript joins through an unspecialised lazy sequence (runtime
    /// generic metadata and a new String per read): reading four headers was 3 % of a consent's
    /// handler (issue 16).
    func value(of name: HTTPField.Name) -> String? {
        var found: String?
        for field in self where field.name == name {
            if found != nil { return self[name] }
            found = field.value
        }
        return found
    }
}
