{{/* Name of an object of this release: coso-<release>-<suffix>. */}}
{{- define "coso.name" -}}
{{- printf "%s-%s" .root.Release.Name .suffix | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "coso.labels" -}}
app.kubernetes.io/name: coso
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
coso.vn/deployment: {{ required "deployment is required" .Values.deployment | quote }}
{{- end -}}

{{- define "coso.secretName" -}}
{{- if .Values.existingSecret -}}{{ .Values.existingSecret }}{{- else -}}{{ .Release.Name }}-secrets{{- end -}}
{{- end -}}

{{/* The environment of every coso container: the ConfigMap and the Secret. */}}
{{- define "coso.envFrom" -}}
- configMapRef:
    name: {{ .Release.Name }}-settings
- secretRef:
    name: {{ include "coso.secretName" . }}
{{- end -}}
