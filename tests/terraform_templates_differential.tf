locals {
  ports = ["443", "80"]
  name  = "web"
  nothing = null
  cases = {
    flush_strip_for = <<-EOT
    name: %{if local.name == "web"}pub%{else}priv%{endif}
    %{~ for p in local.ports ~}
    port ${p}
    %{~ endfor ~}
  EOT
    flush_plain = <<-EOT
      a
        b

      c
    EOT
    flush_blank_line_with_spaces = <<-EOT
        a
  
        b
    EOT
    flush_interpolation_at_line_start = <<-EOT
    ${local.name}
      x
    EOT
    flush_interpolation_mid_line = <<-EOT
      x ${local.name}
        y
    EOT
    flush_for_no_strip = <<-EOT
      %{ for p in local.ports }
      - ${p}
      %{ endfor }
    EOT
    flush_for_strip_end_only = <<-EOT
      list:
      %{ for p in local.ports ~}
      - ${p}
      %{ endfor ~}
      end
    EOT
    flush_for_strip_start_only = <<-EOT
      list:
      %{~ for p in local.ports }
      - ${p}
      %{~ endfor }
      end
    EOT
    flush_if_else_strip = <<-EOT
      %{~ if local.name == "db" ~}
      db
      %{~ else ~}
      other
      %{~ endif ~}
      tail
    EOT
    flush_nested_for = <<-EOT
      %{ for a in local.ports ~}
        %{ for b in local.ports ~}
          ${a}-${b}
        %{ endfor ~}
      %{ endfor ~}
    EOT
    flush_escapes = <<-EOT
      $${not} %%{not}
        $${x}
    EOT
    flush_interp_strip = <<-EOT
      a   ${~ local.name ~}   b
      c  
      ${~ local.name}
    EOT
    flush_tabs = <<-EOT
		a
	b
		%{ for p in local.ports ~}
		${p}
		%{ endfor ~}
	EOT
    flush_mixed_tabs_spaces = <<-EOT
	  a
    b
    EOT
    flush_unicode_indent = <<-EOT
      é
        ü
    EOT
    flush_empty = <<-END
    END
    # hcl-edit reads an empty heredoc on to the next line with its marker further down.
    empty_before_same_marker = <<-EOT
    EOT
    plain_empty_before_same_marker = <<EOT
EOT
    plain_strip_for = <<EOT
name: x
  %{~ for p in local.ports ~}
  port ${p}
  %{~ endfor ~}
EOT
    plain_blank_lines = <<EOT

  a

%{ if true ~}

  b
%{ endif }
EOT
    plain_strip_across_blank = <<EOT
a  

  %{~ if true ~}

  b
  %{~ endif ~}


c
EOT
    quoted_strip = "a \n ${~ local.name ~} \n b"
    quoted_for = "%{ for p in local.ports ~} ${p} \n %{~ endfor ~}  end"
    quoted_if = "x %{~ if true ~}   y   %{~ endif ~} z"
    quoted_directive_escapes = "%{ for p in local.ports }\t${p}\n%{ endfor }"
    # Conditionals convert their result to the type both results unify to.
    cond_empty_tuple_or_set = jsonencode(false ? toset(["a"]) : [])
    cond_number_tuple_or_strings = jsonencode(true ? [28] : tolist(["10.0.0.0/8"]))
    cond_numbers_or_string_tuple = jsonencode(true ? [28, 1] : ["10.0.0.0/8"])
    cond_set_or_strings = jsonencode(true ? toset([1]) : tolist(["a"]))
    cond_tuple_or_set = jsonencode(true ? [2, 1, 2] : toset(["a"]))
    cond_numbers_or_empty = jsonencode(true ? [1, 2] : [])
    cond_nested = jsonencode(true ? [[1]] : [["a"]])
    cond_objects = jsonencode(false ? [{ a = 1 }] : [{ a = "x" }])
    cond_empty_or_null_set = jsonencode(length(false ? toset(local.nothing) : []))
    cond_tuple_or_null_set = jsonencode(true ? ["b", "a", "b"] : toset(local.nothing))
  }
}
